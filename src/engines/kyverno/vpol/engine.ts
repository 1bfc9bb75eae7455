/** ValidatingPolicy evaluation (placeholder until the CEL layer is integrated). */
import type { JsonObject } from '../../jmespath/index.ts';
import type { RequestInfo } from '../match.ts';
import type { PolicyResponse } from '../responses.ts';
import type { ValidatingPolicy } from './policy.ts';

export interface VpolRequest {
  readonly object: JsonObject | null;
  readonly oldObject?: JsonObject | null;
  readonly operation: string;
  readonly namespace: JsonObject | null;
  readonly userInfo: RequestInfo | null;
}

export function validateWithVpol(policy: ValidatingPolicy, request: VpolRequest): PolicyResponse | null {
  return {
    policyName: policy.name,
    policyNamespace: policy.namespace,
    policyKind: policy.kind,
    resource: request.object,
    rules: [],
    unsupported: 'ValidatingPolicy evaluation needs the CEL layer (not integrated yet)',
  };
}
