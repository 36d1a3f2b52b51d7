// deploy/: every kustomization renders, every object is valid against the Kubernetes OpenAPI schemas, every flag
// the controller container passes is a real flag of bin/portico, and the Grafana dashboard only queries metrics
// Portico exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { IngressClass } from 'kubernetes-models/networking.k8s.io/v1/IngressClass';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { parseFlags } from '../controller/cli/flags.js';
import { kustomize, type KubeManifest } from './helpers/kustomize.js';
import { REPO_ROOT } from './helpers/processes.js';

const KUSTOMIZATIONS = ['deploy/base', 'deploy/overlays/default-class', 'deploy/overlays/deployment'];

/** The schema-carrying model of each kind deploy/ uses, by `apiVersion/kind`. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/IngressClass': IngressClass,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

interface Container {
  name: string;
  args?: string[];
  command?: string[];
  env?: Array<{ name: string }>;
}

function containers(object: KubeManifest): Container[] {
  const spec = object.spec as { template?: { spec?: { containers?: Container[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

const render = (dir: string): KubeManifest[] => kustomize(join(REPO_ROOT, dir));

test('every kustomization renders objects valid against the Kubernetes OpenAPI schemas', () => {
  for (const dir of KUSTOMIZATIONS) {
    for (const object of render(dir)) {
      const model = MODELS[`${object.apiVersion}/${object.kind}`];
      assert.ok(model, `${dir}: no schema for ${object.apiVersion} ${object.kind}`);
      assert.doesNotThrow(() => new model(object as never).validate(), `${dir}: ${object.kind}/${object.metadata.name}`);
    }
  }
});

test('the validation refuses what a real API server would', () => {
  const [daemonSet] = render('deploy/base').filter((object) => object.kind === 'DaemonSet');
  const broken = structuredClone(daemonSet!) as KubeManifest & { spec: { updateStrategy: { type: string } } };
  broken.spec.updateStrategy.type = 'AllAtOnce';
  assert.throws(() => new DaemonSet(broken as never).validate(), /updateStrategy/);
});

test('every flag the manifests pass is a flag of bin/portico, and the arguments parse', async () => {
  const { stdout } = await execa(process.execPath, [join(REPO_ROOT, 'bin/portico'), '--help']);
  const known = new Set(stdout.match(/--[a-z][a-z-]*/g));
  for (const dir of KUSTOMIZATIONS) {
    for (const container of render(dir).flatMap(containers).filter((c) => c.name === 'controller')) {
      const args = container.args ?? [];
      assert.ok(args.length > 0, `${dir}: the controller container passes no flags`);
      for (const arg of args) assert.ok(known.has(arg.split('=')[0] ?? ''), `${dir}: ${arg} is not a flag of bin/portico`);
      // $(VAR) is expanded by the kubelet from the container's environment.
      const defined = new Set((container.env ?? []).map((variable) => variable.name));
      const expanded = args.map((arg) => arg.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => {
        assert.ok(defined.has(name), `${dir}: ${arg} uses $(${name}), which the container does not define`);
        return 'portico';
      }));
      assert.doesNotThrow(() => parseFlags(expanded), `${dir}: ${expanded.join(' ')}`);
    }
  }
});

test('the DaemonSet runs the sidecar layout on the host network, non-root, one node at a time', () => {
  const [daemonSet] = render('deploy/base').filter((object) => object.kind === 'DaemonSet');
  const spec = (daemonSet?.spec as { updateStrategy: unknown; template: { spec: Record<string, unknown> } });
  const pod = spec.template.spec;
  assert.equal(pod.hostNetwork, true);
  assert.equal(pod.dnsPolicy, 'ClusterFirstWithHostNet');
  assert.equal(pod.shareProcessNamespace, true);
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  const [openresty, controller] = containers(daemonSet!);
  assert.deepEqual(openresty?.command, ['/app/nginx/run', '/work/portico', 'openresty']);
  assert.ok(controller?.args?.includes('--nginx-mode=sidecar'));
  assert.deepEqual((controller?.env ?? []).map((variable) => variable.name).sort(), ['NODE_NAME', 'POD_NAME', 'POD_NAMESPACE']);
});

test('the overlays make the class the default, and turn the DaemonSet into a Deployment behind a LoadBalancer', () => {
  const [defaultClass] = render('deploy/overlays/default-class').filter((object) => object.kind === 'IngressClass');
  assert.deepEqual((defaultClass?.metadata as { annotations?: object }).annotations, { 'ingressclass.kubernetes.io/is-default-class': 'true' });
  const objects = render('deploy/overlays/deployment');
  assert.deepEqual(objects.filter((object) => /DaemonSet|Deployment/.test(object.kind)).map((object) => object.kind), ['Deployment']);
  const service = objects.find((object) => object.kind === 'Service') as { spec: { type: string } } | undefined;
  assert.equal(service?.spec.type, 'LoadBalancer');
});

test('the Grafana dashboard queries only metrics Portico exports', () => {
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/portico-dashboard.json'), 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
  const exported = new Set([
    ...readFileSync(join(REPO_ROOT, 'controller/metrics/controller.ts'), 'utf8').matchAll(/'(portico_[a-z_]+)'/g),
    ...readFileSync(join(REPO_ROOT, 'controller/metrics/dataplane.ts'), 'utf8').matchAll(/'(portico_[a-z_]+)'/g),
  ].map((match) => match[1]));
  const queried = dashboard.panels.flatMap((panel) => panel.targets ?? []).flatMap((target) => [...target.expr.matchAll(/\b(portico_[a-z_]+?)(_bucket|_sum|_count)?\b/g)]);
  assert.ok(queried.length > 10);
  // prom-client's process and Node.js metrics carry the portico_controller_ prefix (metrics/controller.ts).
  const known = (name: string): boolean => exported.has(name) || name.startsWith('portico_controller_');
  for (const [, name] of queried) assert.ok(name && known(name), `the dashboard queries ${name}, which Portico does not export`);
});
