/**
 * Property test: hostile values (newline, `;`, braces, `#`, quotes, `$`, `${…}`, backslash, Lua, NUL, 64 KiB,
 * unicode) put into every annotation, ConfigMap key and Ingress field that reaches the configuration are either
 * rejected with a problem, or leave the configuration's directive structure exactly as a benign value does; a
 * sample of the accepted ones passes `nginx -t`. Seeded: FUZZ_SEED=<n> replays a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorkDir, testSettings } from '../helpers/nginx-paths.js';
import { parseConfig, structure, walk } from '../helpers/nginx-tokens.js';
import { nginxTest, renderWorld, world, type Rendered } from '../helpers/render-world.js';
import { allSites, type Site } from './sites.js';

const CASES_PER_SITE = 20;
const TIME_BUDGET_MS = 40_000;
/** nginx -t runs on every accepted hostile value and benign ones up to this many configurations. */
const NGINX_SAMPLE = 60;

const FRAGMENTS = [
  '\n', '\r\n', ';', '{', '}', '#', '"', "'", '`', '$', '$host', '${host}', '${x}', '$1', '\\', '\\"', ' ', '\t', '\u0000',
  '";\n}\nload_module /tmp/evil.so;\n', '; include /etc/passwd;', '}\nssl_engine /tmp/evil.so;\n#', 'default', 'include',
  'ngx.exec("/x")', '"); os.execute("id"); ("', ']] .. io.open("/etc/shadow"):read("*a") .. [[', '${jndi:ldap://x}', '$(id)',
  '%0a', 'é', '\u202e', '😀', '\uFEFF', '..', '../../etc/passwd', '/proc/self/fd/3', 'x'.repeat(65_536),
];

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A hostile variant of `benign`: fragments replacing it, or spliced into it at random places. */
function mutate(random: () => number, benign: string): string {
  const pick = () => FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]!;
  let value = random() < 0.2 ? pick() : benign;
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(random() * (value.length + 1));
    value = value.slice(0, at) + pick() + value.slice(at);
  }
  return value;
}

const problemKeys = (rendered: Rendered) => new Set(rendered.problems.map((problem) => `${problem.object.kind}/${problem.object.namespace}/${problem.object.name}: ${problem.reason}`));

function renderWith(site: Site, value: string): Rendered {
  const w = world();
  site.put(w, value);
  return renderWorld(w);
}

/** Directives that make nginx read a file: only the work dir and the fixed module and Lua paths may appear. */
const FILE_DIRECTIVES = new Set(['include', 'load_module', 'ssl_engine', 'ssl_certificate', 'ssl_certificate_key', 'ssl_client_certificate', 'ssl_trusted_certificate', 'auth_basic_user_file', 'ssl_dhparam', 'ssl_password_file']);

function fileProblems(text: string): string[] {
  const problems: string[] = [];
  for (const { directive } of walk(parseConfig(text))) {
    if (!FILE_DIRECTIVES.has(directive.name)) continue;
    if (directive.name === 'include' || directive.name === 'load_module' || directive.name === 'ssl_engine') problems.push(`${directive.name} ${directive.args.join(' ')}`);
    else if (!directive.args.every((arg) => arg.startsWith('/portico-work/') && !arg.includes('..'))) problems.push(`${directive.name} ${directive.args.join(' ')}`);
  }
  return problems;
}

test('hostile values are rejected with a problem or keep the configuration structure, and pass nginx -t', async (t) => {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  t.diagnostic(`FUZZ_SEED=${seed}`);
  console.log(`fuzz: FUZZ_SEED=${seed} replays this run`);
  const random = prng(seed);
  const base = renderWorld(world());
  const baseProblems = problemKeys(base);
  assert.deepEqual([...baseProblems], [], 'the healthy world has no problems');

  const failures: string[] = [];
  const accepted: Array<{ site: Site; value: string; rendered: Rendered }> = [];
  const started = Date.now();
  let cases = 0;
  let rejected = 0;
  for (const site of allSites()) {
    const benign = site.benign === null ? null : renderWith(site, site.benign);
    // A site whose benign value is refused (snippets, off by default) must refuse every value.
    const benignAccepted = benign !== null && [...problemKeys(benign)].every((key) => baseProblems.has(key));
    const expected = benignAccepted ? structure(parseConfig(benign.text)).join('\n') : null;
    if (benignAccepted) accepted.push({ site, value: site.benign!, rendered: benign });
    for (let i = 0; i < CASES_PER_SITE && Date.now() - started < TIME_BUDGET_MS; i++) {
      const value = mutate(random, site.benign ?? 'x');
      const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
      cases++;
      let rendered: Rendered;
      try {
        rendered = renderWith(site, value);
      } catch (error) {
        failures.push(`${site.name} ${shown}: rendering threw ${(error as Error).message.slice(0, 200)}`);
        continue;
      }
      const fresh = rendered.problems.filter((problem) => !baseProblems.has(`${problem.object.kind}/${problem.object.namespace}/${problem.object.name}: ${problem.reason}`));
      for (const file of fileProblems(rendered.text)) failures.push(`${site.name} ${shown}: configuration reads ${file}`);
      if (fresh.length > 0) {
        rejected++;
        const unclear = fresh.find((problem) => problem.reason.length < 10 || /[\u0000-\u001f]/.test(problem.reason) || problem.reason.length > 1000);
        if (unclear) failures.push(`${site.name} ${shown}: unclear problem ${JSON.stringify(unclear.reason.slice(0, 200))}`);
        continue;
      }
      if (expected === null) {
        failures.push(`${site.name} ${shown}: accepted where every value must be refused`);
        continue;
      }
      const got = structure(parseConfig(rendered.text)).join('\n');
      if (got !== expected) failures.push(`${site.name} ${shown}: accepted, but the configuration's structure changed`);
      else accepted.push({ site, value, rendered });
    }
  }
  t.diagnostic(`${cases} cases, ${rejected} rejected with a problem, ${accepted.length} accepted (benign included) in ${Date.now() - started} ms`);
  assert.ok(cases >= 2000, `only ${cases} cases ran within the time budget`);

  // nginx -t on every accepted hostile value (few) and on a sample of the benign ones. Not on access-log-path:
  // nginx -t creates the log file, as root, wherever the path points (the structure check above covers it).
  const testable = accepted.filter(({ site }) => site.name !== 'ConfigMap access-log-path');
  const hostile = testable.filter(({ site, value }) => value !== site.benign);
  const workDir = await makeWorkDir(t);
  const settings = await testSettings(workDir);
  const sample = [...hostile, ...testable.filter(({ site, value }) => value === site.benign).sort(() => random() - 0.5)].slice(0, Math.max(NGINX_SAMPLE, hostile.length));
  // A few at a time: each nginx -t loads the Lua module and parses the whole configuration.
  const results: Array<{ exitCode: number; output: string }> = [];
  for (let index = 0; index < sample.length; index += 8) {
    const batch = sample.slice(index, index + 8);
    results.push(...(await Promise.all(batch.map(({ rendered }, offset) => nginxTest(rendered.model, settings, `case-${index + offset}`)))));
  }
  results.forEach((result, index) => {
    const { site, value } = sample[index]!;
    if (result.exitCode !== 0) failures.push(`${site.name} ${JSON.stringify(value.slice(0, 80))}: nginx -t failed: ${result.output.slice(0, 300)}`);
  });
  t.diagnostic(`nginx -t passed on ${sample.length} accepted configurations`);
  assert.deepEqual(failures, [], `FUZZ_SEED=${seed}`);
});
