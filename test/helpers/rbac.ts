/**
 * What RBAC grants a ServiceAccount in a set of rendered manifests, and whether it allows a request: the rules of
 * the roles bound to the account by ClusterRoleBindings (everywhere) and RoleBindings (in the binding's namespace
 * only), each rule split into single permissions so a test can tell which ones were used. Wildcards get no special
 * meaning: a least-privilege RBAC has none, and a `*` shows up as a permission no request ever used.
 */
import type { RequestAttributes } from './api-server.js';
import type { KubeManifest } from './kustomize.js';

export interface Permission {
  /** null: every namespace, and cluster scope. */
  namespace: string | null;
  group: string;
  resource: string;
  verb: string;
  /** null: any object (the rule has no resourceNames). */
  name: string | null;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

interface Binding {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

export function permissionsOf(objects: readonly KubeManifest[], account: { namespace: string; name: string }): Permission[] {
  const bindings = objects.filter((object) => object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') as unknown as Binding[];
  return bindings.flatMap((binding) => {
    const namespace = binding.kind === 'RoleBinding' ? (binding.metadata.namespace ?? 'default') : null;
    const bound = (binding.subjects ?? []).some(
      (subject) => subject.kind === 'ServiceAccount' && subject.name === account.name && (subject.namespace ?? namespace) === account.namespace,
    );
    if (!bound) return [];
    const { kind, name } = binding.roleRef;
    const role = objects.find((object) => object.kind === kind && object.metadata.name === name && (kind === 'ClusterRole' || object.metadata.namespace === namespace));
    if (!role) throw new Error(`${binding.kind} ${binding.metadata.name} refers to ${kind} ${name}, which does not exist`);
    return ((role.rules ?? []) as PolicyRule[]).flatMap((rule) =>
      (rule.apiGroups ?? []).flatMap((group) =>
        (rule.resources ?? []).flatMap((resource) =>
          rule.verbs.flatMap((verb) => (rule.resourceNames ?? [null]).map((object) => ({ namespace, group, resource, verb, name: object }))),
        ),
      ),
    );
  });
}

export function allows(permission: Permission, request: RequestAttributes): boolean {
  return (
    (permission.namespace === null || permission.namespace === request.namespace) &&
    permission.group === request.group &&
    permission.resource === request.resource &&
    permission.verb === request.verb &&
    (permission.name === null || permission.name === request.name)
  );
}

/** `update coordination.k8s.io leases/portico-leader in portico`, for failure messages. */
export function describeAccess({ verb, group, resource, name, namespace }: Permission | RequestAttributes): string {
  const scope = namespace === null ? 'everywhere' : namespace === '' ? 'cluster-wide' : `in ${namespace}`;
  return `${verb} ${group || 'core'} ${resource}${name ? `/${name}` : ''} ${scope}`;
}
