import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { Store } from './store.js';
import type { KubeObject } from './types.js';

function service(name: string, namespace: string | undefined, port = 80, extra: Partial<V1Service['metadata']> = {}) {
  return { kind: 'Service' as const, obj: { metadata: { name, namespace, ...extra }, spec: { ports: [{ port }] } } };
}

/** A store whose changes are counted. */
function countingStore() {
  const store = new Store();
  const counter = { changes: 0 };
  store.onChange(() => {
    counter.changes += 1;
  });
  return { store, counter };
}

const servicePorts = (store: Store) =>
  store.snapshot().services.map((svc) => `${svc.metadata?.namespace}/${svc.metadata?.name}:${svc.spec?.ports?.[0]?.port}`);

describe('Store', () => {
  it('fires no change for an upsert equal to what is stored, even with a new resourceVersion or managedFields', () => {
    const { store, counter } = countingStore();
    store.upsert('api', 'Service', service('echo', 'demo', 80, { resourceVersion: '1' }).obj);
    assert.equal(counter.changes, 1);
    assert.equal(store.version, 1);

    store.upsert('api', 'Service', service('echo', 'demo', 80, { resourceVersion: '2', managedFields: [{ manager: 'kubectl' }] }).obj);
    assert.equal(counter.changes, 1);
    assert.equal(store.version, 1);

    store.upsert('api', 'Service', service('echo', 'demo', 81, { resourceVersion: '3' }).obj);
    assert.equal(counter.changes, 2);
    assert.equal(store.version, 2);
  });

  it('compares content regardless of key order', () => {
    const { store, counter } = countingStore();
    store.upsert('api', 'ConfigMap', { metadata: { name: 'c', namespace: 'n' }, data: { a: '1', b: '2' } });
    store.upsert('api', 'ConfigMap', { data: { b: '2', a: '1' }, metadata: { namespace: 'n', name: 'c' } });
    assert.equal(counter.changes, 1);
  });

  it('replaces one origin as one change: adds, updates and withdraws by difference', () => {
    const { store, counter } = countingStore();
    store.replace('a.yaml', [service('keep', 'demo'), service('update', 'demo'), service('drop', 'demo')]);
    assert.equal(counter.changes, 1);

    store.replace('a.yaml', [service('keep', 'demo'), service('update', 'demo', 8080), service('new', 'demo')]);
    assert.equal(counter.changes, 2);
    assert.deepEqual(servicePorts(store), ['demo/keep:80', 'demo/new:80', 'demo/update:8080']);

    store.replace('a.yaml', [service('update', 'demo', 8080), service('new', 'demo'), service('keep', 'demo')]);
    assert.equal(counter.changes, 2, 'the same objects in another order are no change');

    store.replace('a.yaml', []);
    assert.equal(counter.changes, 3);
    assert.deepEqual(store.snapshot().services, []);

    store.replace('a.yaml', []);
    store.remove('a.yaml', 'Service', 'demo', 'keep');
    assert.equal(counter.changes, 3, 'withdrawing what is not there is no change');
  });

  it('serves the latest write where two origins hold the same key, and restores the other when it is withdrawn', () => {
    const { store, counter } = countingStore();
    store.replace('a.yaml', [service('echo', 'demo', 1)]);
    store.replace('b.yaml', [service('echo', 'demo', 2)]);
    assert.deepEqual(servicePorts(store), ['demo/echo:2']);

    store.replace('a.yaml', [service('echo', 'demo', 3)]);
    assert.deepEqual(servicePorts(store), ['demo/echo:3']);

    store.replace('a.yaml', []);
    assert.deepEqual(servicePorts(store), ['demo/echo:2'], "b.yaml's copy is back");
    assert.equal(counter.changes, 4);

    store.replace('a.yaml', [service('echo', 'demo', 2)]);
    assert.equal(counter.changes, 4, 'a copy equal to the one served changes nothing served');
    store.remove('b.yaml', 'Service', 'demo', 'echo');
    assert.equal(counter.changes, 4);
    assert.deepEqual(servicePorts(store), ['demo/echo:2']);
  });

  it('keys namespaced objects without a namespace as "default" and IngressClasses without one', () => {
    const store = new Store();
    store.replace('a.yaml', [
      service('echo', undefined, 1),
      { kind: 'IngressClass', obj: { metadata: { name: 'portico', namespace: 'ignored' } } },
    ]);
    store.upsert('b.yaml', 'Service', service('echo', 'default', 2).obj);
    assert.deepEqual(servicePorts(store), ['default/echo:2']);

    store.remove('a.yaml', 'IngressClass', 'anything', 'portico');
    assert.deepEqual(store.snapshot().ingressClasses, []);
  });

  it('ignores kinds it does not know', () => {
    const { store, counter } = countingStore();
    const deployment = { kind: 'Deployment', obj: { metadata: { name: 'echo' } } } as unknown as KubeObject;
    store.replace('a.yaml', [deployment]);
    assert.equal(counter.changes, 0);
  });

  it('sorts each snapshot array by namespace then name and caches the snapshot until the next change', () => {
    const store = new Store();
    store.replace('a.yaml', [service('b', 'x'), service('a', 'y'), service('c', 'a'), service('a', 'x')]);
    const first = store.snapshot();
    assert.deepEqual(servicePorts(store), ['a/c:80', 'x/a:80', 'x/b:80', 'y/a:80']);
    assert.equal(store.snapshot(), first);

    store.upsert('a.yaml', 'Service', service('a', 'x').obj);
    assert.equal(store.snapshot(), first, 'a no-op keeps the cached snapshot');

    store.remove('a.yaml', 'Service', 'x', 'a');
    const second = store.snapshot();
    assert.notEqual(second, first);
    assert.equal(first.services.length, 4, 'an earlier snapshot does not change');
    assert.equal(second.services.length, 3);
  });

  it('stores frozen copies, so neither the caller nor a reader can change what is served', () => {
    const store = new Store();
    const input = service('echo', 'demo');
    store.replace('a.yaml', [input]);
    input.obj.spec.ports[0]!.port = 9999;
    const served = store.snapshot().services[0];
    assert.equal(served?.spec?.ports?.[0]?.port, 80);
    assert.ok(Object.isFrozen(served?.spec?.ports?.[0]));
    assert.ok(Object.isFrozen(store.snapshot().services));
  });

  it('calls listeners once per change until they unsubscribe', () => {
    const store = new Store();
    const versionsSeen: number[] = [];
    const unsubscribe = store.onChange(() => versionsSeen.push(store.version));
    store.replace('a.yaml', [service('a', 'demo'), service('b', 'demo'), service('c', 'demo')]);
    store.replaceMany(
      new Map([
        ['b.yaml', [service('d', 'demo')]],
        ['c.yaml', [service('e', 'demo')]],
      ]),
    );
    unsubscribe();
    store.replace('a.yaml', []);
    assert.deepEqual(versionsSeen, [1, 2]);
    assert.equal(store.version, 3);
  });

  it('rejects an object without a name and leaves the store as it was', () => {
    const store = new Store();
    store.replace('a.yaml', [service('a', 'demo')]);
    assert.throws(() => store.replace('a.yaml', [service('b', 'demo'), { kind: 'Secret', obj: { metadata: {} } }]), /Secret from a\.yaml has no metadata\.name/);
    assert.deepEqual(servicePorts(store), ['demo/a:80']);
    assert.equal(store.version, 1);
  });
});
