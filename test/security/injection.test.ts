/**
 * Regression tests for the injection classes published against ingress-nginx: each payload, put where the
 * original attack put it, is refused or ignored, and the rendered configuration keeps its structure: no directive
 * appears, none loads a file (the IngressNightmare route), and `nginx -t` passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorkDir, testSettings } from '../helpers/nginx-paths.js';
import { parseConfig, structure, walk } from '../helpers/nginx-tokens.js';
import { nginxTest, PREFIX, renderWorld, world, type Rendered, type World } from '../helpers/render-world.js';

function attacked(edit: (w: World) => void): Rendered {
  const w = world();
  edit(w);
  return renderWorld(w);
}

const annotate = (annotations: Record<string, string>) => (w: World) => {
  for (const [key, value] of Object.entries(annotations)) w.ingress.metadata!.annotations![`${PREFIX}/${key}`] = value;
};

const shape = (rendered: Rendered) => structure(parseConfig(rendered.text)).join('\n');
const healthy = renderWorld(world());
/** The world without the attacked Ingress: what a refused Ingress leaves behind. */
const withoutIngress = attacked((w) => void (w.ingress.spec!.ingressClassName = 'someone-else'));

/** Directives through which nginx -t would load or run a file an attacker placed. */
function fileLoaders(rendered: Rendered): string[] {
  return [...walk(parseConfig(rendered.text))]
    .map(({ directive }) => directive)
    .filter((directive) => ['load_module', 'ssl_engine', 'include', 'lua_load_resty_core', 'init_by_lua_file', 'content_by_lua_file'].includes(directive.name))
    .map((directive) => `${directive.name} ${directive.args.join(' ')}`);
}

function assertRefused(rendered: Rendered, annotation: string): void {
  const reasons = rendered.problems.map((problem) => problem.reason);
  assert.ok(reasons.some((reason) => reason.includes(annotation) && reason.endsWith('the Ingress is not served')), `refused with a reason naming ${annotation}: ${JSON.stringify(reasons)}`);
  assert.equal(shape(rendered), shape(withoutIngress));
}

const SMUGGLED = [
  'load_module /tmp/evil.so;',
  'ssl_engine /proc/self/fd/12;',
  'include /var/run/secrets/kubernetes.io/serviceaccount/token;',
];

test('CVE-2025-1097: auth-tls-match-cn smuggling directives is ignored (Portico has no such annotation); the configuration is unchanged', () => {
  for (const smuggled of SMUGGLED) {
    const rendered = attacked(annotate({ 'auth-tls-secret': 'default/ca', 'auth-tls-match-cn': `CN=abc #(\n){}\n }}\n${smuggled}\n#` }));
    assert.equal(rendered.text, attacked(annotate({ 'auth-tls-secret': 'default/ca' })).text);
    assert.deepEqual(fileLoaders(rendered), []);
  }
});

test('CVE-2025-1098: mirror-target and mirror-host smuggling directives are ignored (not implemented); the configuration is unchanged', () => {
  for (const smuggled of SMUGGLED) {
    const rendered = attacked(annotate({ 'mirror-target': `https://example.com/$request_uri;\n}\n${smuggled}\n#`, 'mirror-host': `x;\n${smuggled}` }));
    assert.equal(rendered.text, healthy.text);
  }
});

test('CVE-2025-24514: auth-url smuggling directives refuses the Ingress with a reason; nothing of it reaches nginx.conf', () => {
  const urls = SMUGGLED.flatMap((smuggled) => [
    `http://auth.example.com/#;\n${smuggled}`,
    `http://auth.example.com/#;${smuggled}`,
    `http://auth.example.com/"; ${smuggled} #`,
    `http://auth.example.com/verify}\n}\n${smuggled}\nlocation /x {`,
  ]);
  for (const url of urls) {
    const rendered = attacked(annotate({ 'auth-url': url }));
    assertRefused(rendered, 'auth-url');
    assert.deepEqual(fileLoaders(rendered), []);
  }
});

test('CVE-2021-25742: snippets reading secrets are refused by default, and at the default risk level even when snippets are allowed', () => {
  const readToken = 'content_by_lua_block { ngx.say(io.open("/var/run/secrets/kubernetes.io/serviceaccount/token"):read("*a")) }';
  const aliasSecrets = 'location /leak { alias /var/run/secrets/kubernetes.io/serviceaccount/; }';
  for (const [annotation, snippet] of [['configuration-snippet', readToken], ['server-snippet', aliasSecrets]] as const) {
    assertRefused(attacked(annotate({ [annotation]: snippet })), annotation);
    const allowedButHigh = attacked((w) => {
      w.configMap.data!['allow-snippet-annotations'] = 'true';
      annotate({ [annotation]: snippet })(w);
    });
    assertRefused(allowedButHigh, annotation);
  }
});

test('CVE-2021-25745 and CVE-2022-4886: paths reaching files or other directives are refused with a reason; the other paths keep serving', () => {
  const paths: Array<[pathType: string, path: string, regex?: boolean]> = [
    ['Prefix', '/../../var/run/secrets/kubernetes.io/serviceaccount'],
    ['Prefix', '/%2e%2e/%2e%2e/etc/passwd'],
    ['Exact', '/api;alias /var/run/secrets/;'],
    ['Prefix', '/api { alias /etc/; } location /x'],
    ['ImplementationSpecific', '/api$request_uri'],
    ['ImplementationSpecific', '/api\n}\nload_module /tmp/evil.so;\nlocation /x {'],
    ['ImplementationSpecific', '/.*" { alias /var/run/secrets/; } location ~ "/x', true],
    ['ImplementationSpecific', '/(?<x>.*)/\\Q";include /etc/passwd;', true],
  ];
  for (const [pathType, path, regex] of paths) {
    const rendered = attacked((w) => {
      if (regex) annotate({ 'use-regex': 'true' })(w);
      Object.assign(w.ingress.spec!.rules![0]!.http!.paths[0]!, { path, pathType });
    });
    assert.ok(rendered.problems.some((problem) => problem.reason.startsWith('spec.rules[0].http.paths[0]')), `${JSON.stringify(path)} refused: ${JSON.stringify(rendered.problems)}`);
    // Only the hostile path is gone: the Exact `/` of the same Ingress is still served.
    const app = rendered.model.servers.find((server) => server.host === 'app.example.com');
    assert.ok(app?.locations.some((location) => location.match === 'exact' && location.path === '/'), JSON.stringify(path));
    assert.deepEqual(fileLoaders(rendered), []);
  }
});

test('CVE-2025-1974 (IngressNightmare): no input makes the configuration load a file; temp paths stay in the work dir; nginx -t passes', async (t) => {
  const attempts: Rendered[] = [
    attacked(annotate({ 'auth-url': 'http://x/#;\nssl_engine /proc/self/fd/12;' })),
    attacked(annotate({ 'auth-tls-match-cn': 'CN=x\n}\nssl_engine /tmp/nginx-client-body/0000000001;\n#' })),
    attacked(annotate({ 'client-body-buffer-size': '1k;\nclient_body_temp_path /tmp/x' })),
    attacked((w) => void (w.configMap.data!['access-log-path'] = '/proc/self/fd/3')),
    attacked((w) => void (w.configMap.data!['log-format-upstream'] = '$remote_addr";\nssl_engine /tmp/evil.so;\n#')),
    attacked((w) => void (w.configMap.data!['ssl-ciphers'] = 'HIGH;\nssl_engine /tmp/evil.so')),
  ];
  for (const rendered of attempts) {
    assert.deepEqual(fileLoaders(rendered), []);
    const temp = [...walk(parseConfig(rendered.text))].filter(({ directive }) => directive.name.endsWith('_temp_path'));
    assert.ok(temp.every(({ directive }) => directive.args.every((arg) => arg.startsWith('/portico-work/tmp/'))), JSON.stringify(temp));
  }
  // The log format with quotes and a newline-free smuggling attempt is accepted as text: same structure, one log_format.
  const quoted = attacked((w) => void (w.configMap.data!['log-format-upstream'] = '$remote_addr"; ssl_engine /tmp/evil.so; #'));
  assert.deepEqual(quoted.problems, []);
  assert.equal(shape(quoted), shape(healthy));
  const workDir = await makeWorkDir(t);
  const settings = await testSettings(workDir);
  for (const [index, rendered] of [...attempts, quoted].entries()) {
    const result = await nginxTest(rendered.model, settings, `attempt-${index}`);
    assert.equal(result.exitCode, 0, result.output);
  }
});
