/**
 * Admission request/response shapes and the response builders of admission/response.go, with the
 * apimachinery status messages (NewForbidden, NewInvalid, NewBadRequest, NewInternalError).
 */
import { goQuote } from './go-format.ts';
import type { PodSecurityConfiguration } from './config.ts';
import type { PsaVersion } from './version.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface AdmissionRequest {
  readonly operation: Operation;
  /** The object being admitted (a Pod, a workload, or a Namespace). */
  readonly object?: Record<string, unknown> | null;
  /** The existing object, for UPDATE. */
  readonly oldObject?: Record<string, unknown> | null;
  /** The request namespace; defaults to the object's metadata.namespace (a Namespace's own name for namespaces). */
  readonly namespace?: string;
  /** The object name; defaults to the object's metadata.name. */
  readonly name?: string;
  /** e.g. `ephemeralcontainers`, `status`, `scale`. */
  readonly subresource?: string;
  /** The authenticated (or impersonated) user. */
  readonly username?: string;
  /** The resource requested; derived from the object's apiVersion and kind when absent. */
  readonly resource?: GroupResource;
}

/** What the namespace lookup returns for the request namespace: its labels, or why it failed. */
export type NamespaceLookup = { readonly labels?: Readonly<Record<string, string>> | null } | { readonly lookupError: string };

export interface AdmissionEnvironment {
  /** Defaults and exemptions (DEFAULT_CONFIGURATION when absent). */
  readonly configuration?: PodSecurityConfiguration;
  /** The request namespace as the apiserver finds it; absent means not found. */
  readonly namespace?: NamespaceLookup;
  /** Pods already in the namespace, dry-run on a namespace UPDATE that tightens enforce. */
  readonly existingPods?: readonly Record<string, unknown>[];
  readonly emulationVersion?: string | PsaVersion;
  /** namespaceMaxPodsToCheck (3000 upstream). The 1 s dry-run time limit is not modelled. */
  readonly maxPodsToCheck?: number;
}

export interface AdmissionStatus {
  readonly code: number;
  readonly reason: 'Forbidden' | 'Invalid' | 'BadRequest' | 'InternalError';
  readonly message: string;
}

export interface AdmissionResponse {
  readonly allowed: boolean;
  /** Set when denied. */
  readonly status?: AdmissionStatus;
  /** Warning headers returned to the client. */
  readonly warnings: readonly string[];
  /** Audit annotations as the in-tree plugin records them (keys prefixed `pod-security.kubernetes.io/`). */
  readonly auditAnnotations: Readonly<Record<string, string>>;
}

export const AUDIT_ANNOTATION_PREFIX = 'pod-security.kubernetes.io/';
export const IGNORED_POD_SUBRESOURCES: ReadonlySet<string> = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

export function allowed(annotations: Record<string, string> = {}, warnings: string[] = []): AdmissionResponse {
  return { allowed: true, warnings, auditAnnotations: prefixed(annotations) };
}

export function denied(status: AdmissionStatus, annotations: Record<string, string> = {}): AdmissionResponse {
  return { allowed: false, status, warnings: [], auditAnnotations: prefixed(annotations) };
}

function prefixed(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [AUDIT_ANNOTATION_PREFIX + k, v]));
}

/** schema.GroupResource.String(): `pods`, `deployments.apps`. */
export function groupResourceString(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** apierrors.NewForbidden: the quoted name is left out when empty. */
export function forbiddenStatus(gr: GroupResource, name: string, message: string): AdmissionStatus {
  const what = name === '' ? groupResourceString(gr) : `${groupResourceString(gr)} ${goQuote(name)}`;
  return { code: 403, reason: 'Forbidden', message: `${what} is forbidden: ${message}` };
}

/** errorResponse(err, NewBadRequest(message)): the audit annotation carries the error detail. */
export function badRequest(message: string, error?: string): AdmissionResponse {
  return denied({ code: 400, reason: 'BadRequest', message }, { error: error === undefined ? message : `${message}: ${error}` });
}

export function internalError(message: string, error: string): AdmissionResponse {
  const status = `Internal error occurred: ${message}`;
  return denied({ code: 500, reason: 'InternalError', message: status }, { error: `${status}: ${error}` });
}
