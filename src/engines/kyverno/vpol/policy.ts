/** `policies.kyverno.io` ValidatingPolicy / NamespacedValidatingPolicy documents. */
import { KpcError } from '../../../util/errors.ts';
import { isObject, type JsonObject } from '../../jmespath/index.ts';

export interface ValidatingPolicy {
  readonly kind: 'ValidatingPolicy' | 'NamespacedValidatingPolicy';
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: JsonObject;
  readonly source: { readonly file: string; readonly line: number };
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function loadValidatingPolicy(value: JsonObject, source: { file: string; line: number }): ValidatingPolicy {
  const kind = value['kind'];
  if (kind !== 'ValidatingPolicy' && kind !== 'NamespacedValidatingPolicy') throw new KpcError(`not a ValidatingPolicy (kind ${String(kind)})`, source);
  const metadata = isObject(value['metadata']) ? value['metadata'] : {};
  const spec = isObject(value['spec']) ? value['spec'] : null;
  if (!spec) throw new KpcError('ValidatingPolicy has no spec', { ...source, field: 'spec' });
  return {
    kind,
    apiVersion: typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '',
    name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
    namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '',
    labels: stringMap(metadata['labels']),
    spec,
    source,
  };
}
