// Kubernetes' authorizer library (apiserver/pkg/cel/library/authz.go): `authorizer.group(g)
// .resource(r).namespace(ns).name(n).check(verb).allowed()`, `authorizer.path(p).check(verb)`,
// `authorizer.serviceAccount(ns, name)`, `authorizer.requestResource`. Decisions come from a
// host-supplied CelAuthorizer (the harness has no cluster to ask).
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCall } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';

export interface CelUserInfo {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** authorizer.AttributesRecord as the library fills it. */
export interface CelAuthorizationAttributes {
  readonly user: CelUserInfo;
  readonly verb: string;
  readonly resourceRequest: boolean;
  readonly path: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export interface CelAuthorizationDecision {
  readonly decision: 'allow' | 'deny' | 'noOpinion';
  readonly reason?: string;
  readonly error?: string;
}

/** What the host provides to answer `check()` calls. */
export interface CelAuthorizer {
  authorize(attributes: CelAuthorizationAttributes): CelAuthorizationDecision;
}

/** library/cost.go: "This cost is set to allow for only two authorization checks per expression". */
const CHECK_COST = 350_000;

class AuthorizerValue {
  /** `authorizer.requestResource`: a check pre-filled with the request's resource. */
  requestResource: ResourceCheckValue | undefined;
  constructor(
    readonly authorizer: CelAuthorizer,
    readonly user: CelUserInfo,
  ) {}
}

class PathCheckValue {
  constructor(
    readonly owner: AuthorizerValue,
    readonly path: string,
  ) {}
}

class GroupCheckValue {
  constructor(
    readonly owner: AuthorizerValue,
    readonly group: string,
  ) {}
}

class ResourceCheckValue {
  constructor(
    readonly owner: AuthorizerValue,
    readonly fields: { group: string; version: string; resource: string; subresource: string; namespace: string; name: string },
  ) {}
  with(change: Partial<ResourceCheckValue['fields']>): ResourceCheckValue {
    return new ResourceCheckValue(this.owner, { ...this.fields, ...change });
  }
}

class DecisionValue {
  constructor(readonly result: CelAuthorizationDecision) {}
}

const AUTHORIZER = 'kubernetes.authorization.Authorizer';
const PATH_CHECK = 'kubernetes.authorization.PathCheck';
const GROUP_CHECK = 'kubernetes.authorization.GroupCheck';
const RESOURCE_CHECK = 'kubernetes.authorization.ResourceCheck';
const DECISION = 'kubernetes.authorization.Decision';

function check(owner: AuthorizerValue, attributes: Omit<CelAuthorizationAttributes, 'user'>): DecisionValue {
  chargeCall(CHECK_COST);
  try {
    return new DecisionValue(owner.authorizer.authorize({ ...attributes, user: owner.user }));
  } catch (error) {
    return new DecisionValue({ decision: 'noOpinion', error: error instanceof Error ? error.message : String(error) });
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The CEL value bound to `authorizer`: the request's user, and its resource for `requestResource`. */
export function authorizerValue(authorizer: CelAuthorizer, request: unknown): AuthorizerValue {
  const req = record(request);
  const info = record(req.userInfo);
  const user: CelUserInfo = {
    username: text(info.username),
    uid: text(info.uid),
    groups: Array.isArray(info.groups) ? info.groups.map(text) : [],
    extra: Object.fromEntries(Object.entries(record(info.extra)).map(([k, v]) => [k, Array.isArray(v) ? v.map(text) : []])),
  };
  const value = new AuthorizerValue(authorizer, user);
  if (req.resource !== undefined) {
    const resource = record(req.resource);
    value.requestResource = new ResourceCheckValue(value, {
      group: text(resource.group),
      version: text(resource.version),
      resource: text(resource.resource),
      subresource: text(req.subResource),
      namespace: text(req.namespace),
      name: text(req.name),
    });
  }
  return value;
}

export const authzLibrary: CelLibrary = {
  name: 'kubernetes.authz',
  install(env: Environment) {
    env.registerType(AUTHORIZER, AuthorizerValue);
    env.registerType(PATH_CHECK, PathCheckValue);
    env.registerType(GROUP_CHECK, GroupCheckValue);
    env.registerType(RESOURCE_CHECK, ResourceCheckValue);
    env.registerType(DECISION, DecisionValue);
    env.registerFunction(`${AUTHORIZER}.path(string): ${PATH_CHECK}`, (a: AuthorizerValue, path: string) => new PathCheckValue(a, path));
    env.registerFunction(`${AUTHORIZER}.group(string): ${GROUP_CHECK}`, (a: AuthorizerValue, group: string) => new GroupCheckValue(a, group));
    env.registerFunction(`${AUTHORIZER}.serviceAccount(string, string): ${AUTHORIZER}`, (a: AuthorizerValue, namespace: string, name: string) => {
      const user: CelUserInfo = {
        username: `system:serviceaccount:${namespace}:${name}`,
        uid: '',
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
        extra: {},
      };
      return new AuthorizerValue(a.authorizer, user);
    });
    env.registerFunction(`${GROUP_CHECK}.resource(string): ${RESOURCE_CHECK}`, (g: GroupCheckValue, resource: string) =>
      new ResourceCheckValue(g.owner, { group: g.group, version: '*', resource, subresource: '', namespace: '', name: '' }),
    );
    env.registerFunction(`${RESOURCE_CHECK}.subresource(string): ${RESOURCE_CHECK}`, (r: ResourceCheckValue, v: string) => r.with({ subresource: v }));
    env.registerFunction(`${RESOURCE_CHECK}.namespace(string): ${RESOURCE_CHECK}`, (r: ResourceCheckValue, v: string) => r.with({ namespace: v }));
    env.registerFunction(`${RESOURCE_CHECK}.name(string): ${RESOURCE_CHECK}`, (r: ResourceCheckValue, v: string) => r.with({ name: v }));
    env.registerFunction(`${RESOURCE_CHECK}.check(string): ${DECISION}`, (r: ResourceCheckValue, verb: string) =>
      check(r.owner, {
        verb,
        resourceRequest: true,
        path: '',
        apiGroup: r.fields.group,
        apiVersion: r.fields.version,
        resource: r.fields.resource,
        subresource: r.fields.subresource,
        namespace: r.fields.namespace,
        name: r.fields.name,
      }),
    );
    env.registerFunction(`${PATH_CHECK}.check(string): ${DECISION}`, (p: PathCheckValue, verb: string) =>
      check(p.owner, { verb, resourceRequest: false, path: p.path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' }),
    );
    env.registerFunction(`${DECISION}.allowed(): bool`, (d: DecisionValue) => d.result.decision === 'allow');
    env.registerFunction(`${DECISION}.reason(): string`, (d: DecisionValue) => d.result.reason ?? '');
    env.registerFunction(`${DECISION}.errored(): bool`, (d: DecisionValue) => d.result.error !== undefined);
    env.registerFunction(`${DECISION}.error(): string`, (d: DecisionValue) => d.result.error ?? '');
  },
};
