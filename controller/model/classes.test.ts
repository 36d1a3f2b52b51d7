import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1IngressClass } from '@kubernetes/client-node';
import { isOurIngress, selectClasses, selectIngresses } from './classes.js';
import { ingress, ingressClass, OPTIONS, snapshot } from './testdata/fixtures.js';

const DEFAULT = { 'ingressclass.kubernetes.io/is-default-class': 'true' };
const LEGACY = 'kubernetes.io/ingress.class';

const cases: {
  name: string;
  className?: string;
  legacy?: string;
  classes?: V1IngressClass[];
  watchWithoutClass?: boolean;
  ours: boolean;
}[] = [
  { name: 'ingressClassName names our class', className: 'portico', ours: true },
  { name: 'ingressClassName names another controller’s class', className: 'nginx', classes: [ingressClass('portico'), ingressClass('nginx', 'k8s.io/ingress-nginx')], ours: false },
  { name: 'ingressClassName names a class that does not exist', className: 'ghost', ours: false },
  { name: 'ingressClassName wins over a legacy annotation', className: 'portico', legacy: 'nginx', ours: true },
  { name: 'no class, no default, no flag', ours: false },
  { name: 'no class, our class is the default', classes: [ingressClass('portico', OPTIONS.controllerClass, DEFAULT)], ours: true },
  { name: 'no class, the default class belongs to another controller', classes: [ingressClass('nginx', 'k8s.io/ingress-nginx', DEFAULT)], ours: false },
  { name: 'no class, legacy annotation names us', legacy: 'portico', ours: true },
  { name: 'no class, legacy annotation names another class even with our default', legacy: 'nginx', classes: [ingressClass('portico', OPTIONS.controllerClass, DEFAULT)], ours: false },
  { name: 'no class, legacy annotation names another class even with --watch-ingress-without-class', legacy: 'nginx', watchWithoutClass: true, ours: false },
  { name: 'no class, --watch-ingress-without-class', watchWithoutClass: true, ours: true },
];

for (const { name, className, legacy, classes, watchWithoutClass, ours } of cases) {
  test(`class selection: ${name} → ${ours ? 'ours' : 'ignored'}`, () => {
    const candidate = ingress('web', { ingressClassName: className }, { annotations: legacy ? { [LEGACY]: legacy } : undefined });
    const options = { ...OPTIONS, watchIngressWithoutClass: watchWithoutClass ?? false };
    const selection = selectClasses(classes ?? [ingressClass('portico')], options.controllerClass);
    assert.equal(isOurIngress(candidate, selection, options), ours);
  });
}

test('selectIngresses keeps ours, oldest first, then by namespace/name', () => {
  const selected = selectIngresses(
    snapshot({
      ingresses: [
        ingress('young', {}, { created: '2024-03-01T00:00:00Z' }),
        ingress('b', {}, { created: '2024-01-01T00:00:00Z' }),
        ingress('other', { ingressClassName: 'nginx' }),
        ingress('a', {}, { created: '2024-01-01T00:00:00Z', namespace: 'zzz' }),
        ingress('a', {}, { created: '2024-01-01T00:00:00Z' }),
      ],
    }),
    OPTIONS,
  );
  assert.deepEqual(
    selected.map((item) => `${item.metadata?.namespace}/${item.metadata?.name}`),
    ['default/a', 'default/b', 'zzz/a', 'default/young'],
  );
});
