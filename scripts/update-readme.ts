// `npm run docs`: rewrites README.md's annotation and ConfigMap references from their registries.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { updateReadme } from '../controller/annotations/docs.js';
import { updateSettingsReference } from '../controller/config/docs.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(README, updateSettingsReference(updateReadme(readFileSync(README, 'utf8'))));
