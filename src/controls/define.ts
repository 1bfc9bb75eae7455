import type { Pred } from '../ir/nodes.ts';
import type { ParamSpecs, ParamValues } from './params.ts';
import type { PodRef } from './pod.ts';
import type { PssCheckId, PssLevel, PssVersion } from './pss.ts';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** One enforceable part of a control: a Kyverno rule, a Gatekeeper violation, a CEL validation. */
export interface RuleSpec {
  /** Short kebab-case name, unique in the control (e.g. 'host-network'). */
  readonly name: string;
  /** Shown when the rule fails: say what to change. */
  readonly message: string;
  /** What a compliant pod satisfies. */
  readonly check: Pred;
}

export type RulesBuilder<P extends ParamSpecs> = (pod: PodRef, params: ParamValues<P>) => readonly RuleSpec[];

/** The rules a PSS-mirroring control has from a version on (until the next entry's `since`). */
export interface VersionSpec<P extends ParamSpecs> {
  readonly since: PssVersion;
  /** PSS checks this one replaces at restricted from this version (PSA's OverrideCheckIDs). */
  readonly overrides?: readonly PssCheckId[];
  readonly rules: RulesBuilder<P>;
}

/** What a control says about itself (carried unchanged into the build model). */
export interface ControlMetadata {
  /** Stable id: the PSA check id for PSS controls; camelCase for hardening controls. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly category: string;
  /** One or two sentences telling a developer how to comply. */
  readonly remediation: string;
}

interface ControlCommon<P extends ParamSpecs> extends ControlMetadata {
  readonly parameters?: P;
}

/** A control that mirrors a Pod Security Standards check, versioned as PSA versions it. */
export interface PssControlSpec<P extends ParamSpecs = ParamSpecs> extends ControlCommon<P> {
  readonly pss: { readonly check: PssCheckId; readonly level: PssLevel };
  /** Ordered by `since`; the first entry's `since` is the first version the check exists at. */
  readonly versions: readonly VersionSpec<P>[];
}

/** A hardening control beyond the PSS: one set of rules at every version, applied where a namespace opts in. */
export interface HardeningControlSpec<P extends ParamSpecs = ParamSpecs> extends ControlCommon<P> {
  readonly rules: RulesBuilder<P>;
}

export type ControlSpec<P extends ParamSpecs = ParamSpecs> = PssControlSpec<P> | HardeningControlSpec<P>;

/** A control definition: the default export of a file in `policies/`. */
export interface ControlDefinition<P extends ParamSpecs = ParamSpecs> {
  readonly kind: 'kpc.control';
  readonly spec: ControlSpec<P>;
}

export function defineControl<P extends ParamSpecs = Record<never, never>>(spec: PssControlSpec<P> | HardeningControlSpec<P>): ControlDefinition<P> {
  return Object.freeze({ kind: 'kpc.control', spec });
}

export const isPssControl = (spec: ControlSpec): spec is PssControlSpec => 'pss' in spec;
