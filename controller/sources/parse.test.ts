import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifests } from './parse.js';

const names = (text: string, fileName = 'test.yaml') =>
  parseManifests(text, fileName).objects.map(({ kind, obj }) => `${kind}/${obj.metadata?.name}`);

describe('parseManifests', () => {
  it('reads every document of a multi-document YAML file, skipping empty ones', () => {
    const text = [
      '# the echo service',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: echo, namespace: demo}',
      '---',
      '---',
      '# nothing but a comment',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: tls}',
    ].join('\n');
    const { objects, errors } = parseManifests(text, 'a.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(objects, [
      { kind: 'Service', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: 'demo' } } },
      { kind: 'Secret', obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' } } },
    ]);
  });

  it('reads JSON', () => {
    const text = JSON.stringify(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'portico' },
        spec: { controller: 'portico.dev/ingress-controller' },
      },
      null,
      2,
    );
    const { objects, errors } = parseManifests(text, 'class.json');
    assert.deepEqual(errors, []);
    assert.equal(objects.length, 1);
    assert.deepEqual(objects[0]?.obj, JSON.parse(text));
  });

  it('expands List and *List documents into their items', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: Service, metadata: {name: one}}',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}',
      '---',
      'apiVersion: discovery.k8s.io/v1',
      'kind: EndpointSliceList',
      'items:',
      '- {apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: one-abc}}',
    ].join('\n');
    assert.deepEqual(names(text), ['Service/one', 'ConfigMap/two', 'EndpointSlice/one-abc']);
  });

  it('silently ignores kinds Portico does not read', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: echo}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: echo-1}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: echo}',
    ].join('\n');
    const { objects, errors } = parseManifests(text, 'mixed.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(objects.map(({ kind }) => kind), ['Service']);
  });

  it('reports a file that is not valid YAML once, with the file name and position', () => {
    const text = ['apiVersion: v1', 'kind: Service', 'metadata: {name: echo', 'spec: {}'].join('\n');
    const { objects, errors } = parseManifests(text, 'manifests/broken.yaml');
    assert.deepEqual(objects, []);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^manifests\/broken\.yaml: .* at line \d+, column \d+$/);
  });

  it('reports broken JSON with the file name and position', () => {
    const { errors } = parseManifests('{"kind": "Service",\n "metadata": [}', 'svc.json');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^svc\.json: .* at line 2, column \d+$/);
  });

  it('reports an object without metadata.name by file and document number, and keeps the others', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: good}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {namespace: demo}',
    ].join('\n');
    const { objects, errors } = parseManifests(text, 'svc.yaml');
    assert.deepEqual(errors, ['svc.yaml: document 2: Service has no metadata.name']);
    assert.deepEqual(objects.map(({ obj }) => obj.metadata?.name), ['good']);
  });

  it('names the list item that lacks a name', () => {
    const text = 'kind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {}}\n';
    assert.deepEqual(parseManifests(text, 'l.yaml').errors, ['l.yaml: document 1, item 1: Secret has no metadata.name']);
  });

  it('reports documents that are not objects, lack a kind, or use another apiVersion', () => {
    const text = [
      '- just a list',
      '---',
      'metadata: {name: kindless}',
      '---',
      'apiVersion: extensions/v1beta1',
      'kind: Ingress',
      'metadata: {name: old}',
    ].join('\n');
    assert.deepEqual(parseManifests(text, 'x.yaml').errors, [
      'x.yaml: document 1: not a Kubernetes object',
      'x.yaml: document 2: object has no kind',
      'x.yaml: document 3: Ingress has apiVersion extensions/v1beta1, expected networking.k8s.io/v1',
    ]);
  });

  it('reads YAML 1.2 core values as the API server does: timestamps and `<<` stay as written', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, creationTimestamp: 2024-01-01T00:00:00Z}\ndata: {<<: {a: b}, on: yes}\n';
    const [object] = parseManifests(text, 'c.yaml').objects;
    assert.equal(object?.obj.metadata?.creationTimestamp, '2024-01-01T00:00:00Z');
    assert.deepEqual((object?.obj as { data?: unknown }).data, { '<<': { a: 'b' }, on: 'yes' });
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const [object] = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n__proto__: {polluted: 1}\n', 'p.yaml').objects;
    assert.equal(Object.getPrototypeOf(object?.obj), Object.prototype);
    assert.equal(({} as { polluted?: number }).polluted, undefined);
  });

  it('refuses a document whose aliases expand far past its text (an alias bomb)', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, inner] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']]) levels.push(`${name}: &${name} [${Array(10).fill(`*${inner}`).join(', ')}]`);
    const { objects, errors } = parseManifests([...levels, 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: x}'].join('\n'), 'bomb.yaml');
    assert.deepEqual(objects, []);
    assert.match(errors[0] ?? '', /^bomb\.yaml: document 1: its aliases expand to more than \d+ values$/);
  });

  it('returns nothing for an empty file', () => {
    assert.deepEqual(parseManifests('', 'empty.yaml'), { objects: [], errors: [] });
  });
});
