// `npm run docs`: rewrites README.md's annotation reference from controller/annotations/registry.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { updateReadme } from '../controller/annotations/docs.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(README, updateReadme(readFileSync(README, 'utf8')));
