import type { PssVersion } from './pss.ts';

export type NamespaceLevel = 'privileged' | 'baseline' | 'restricted';

/** A PSA mode's level, optionally pinned to another version than the build's. */
export interface PsaModeSetting {
  readonly level: NamespaceLevel;
  readonly version?: 'latest' | PssVersion;
}

export interface NamespaceConfig {
  readonly name: string;
  /** The Pod Security Standards level enforced here, by the generated policies and by PSA `enforce`. */
  readonly level: NamespaceLevel;
  /** PSA `warn` / `audit` (default: the same level as `enforce`, at the build's version). */
  readonly warn?: NamespaceLevel | PsaModeSetting;
  readonly audit?: NamespaceLevel | PsaModeSetting;
  /** Hardening controls that apply here: `true` for all of them, or a list of control ids. */
  readonly hardening?: boolean | readonly string[];
  /** A default-deny NetworkPolicy (ingress and egress); `allowDns` lets pods reach the cluster DNS. */
  readonly networkIsolation?: boolean | { readonly allowDns?: boolean };
  /** Extra labels for the Namespace manifest. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ControlOverride {
  /** Parameter values, checked against each parameter's schema. */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

export interface ProjectConfigSpec {
  /** The PSS version every PSS control compiles to: `latest` (v1.37 in the PSA snapshot) or v1.0 … v1.37. */
  readonly pssVersion: 'latest' | PssVersion;
  readonly namespaces: readonly NamespaceConfig[];
  readonly controls?: Readonly<Record<string, ControlOverride>>;
}

export interface ProjectConfig {
  readonly kind: 'kpc.config';
  readonly spec: ProjectConfigSpec;
}

/** The project config: the default export of `policies/config.ts`. */
export function defineConfig(spec: ProjectConfigSpec): ProjectConfig {
  return Object.freeze({ kind: 'kpc.config', spec });
}
