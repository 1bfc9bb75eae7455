/**
 * kyverno pkg/engine/wildcards: wildcard keys in a pattern's metadata labels/annotations are
 * replaced by the first matching resource key (ExpandInMetadata), and label selectors with
 * wildcards are expanded against the resource labels (ReplaceInSelector).
 *
 * Divergence: Go picks "the first" matching key in map iteration order, which is random; we take
 * the resource's key order. Only patterns whose wildcard key matches several keys are affected.
 */
import { isObject } from '../../jmespath/index.ts';
import { containsWildcard, wildcardMatch } from '../go/wildcard.ts';
import { anchorString, parseAnchor } from './anchor.ts';

/** getPatternValue: the entry whose key is `tag`, or an anchor around `tag`. */
function getPatternValue(tag: string, pattern: Record<string, unknown>): [string, unknown] {
  for (const [k, v] of Object.entries(pattern)) {
    if (k === tag) return [k, v];
    if (parseAnchor(k)?.key === tag) return [k, v];
  }
  return ['', null];
}

/** getValueAsStringMap: only string values survive (Kyverno drops the others). */
function getValueAsStringMap(key: string, data: unknown): [string, Record<string, string> | null] {
  if (!isObject(data)) return ['', null];
  const [patternKey, val] = getPatternValue(key, data);
  if (val === null || val === undefined || !isObject(val)) return ['', null];
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(val)) if (typeof v === 'string') result[k] = v;
  return [patternKey, result];
}

function expandWildcards(k: string, v: string, resourceMap: Record<string, string>, matchValue: boolean, replace: boolean): [string, string] {
  for (const [k1, v1] of Object.entries(resourceMap)) {
    if (wildcardMatch(k, k1)) {
      if (!matchValue) return [k1, v1];
      if (wildcardMatch(v, v1)) return [k1, v1];
    }
  }
  if (replace) return [k.replace(/[*?]/g, '0'), v.replace(/[*?]/g, '0')];
  return [k, v];
}

/** Returns a pattern map with metadata wildcard keys expanded (a copy when anything changes). */
export function expandInMetadata(pattern: Record<string, unknown>, resource: Record<string, unknown>): Record<string, unknown> {
  const [metaKey, patternMetadata] = getPatternValue('metadata', pattern);
  if (patternMetadata === null || patternMetadata === undefined) return pattern;
  const resourceMetadata = resource['metadata'];
  if (resourceMetadata === null || resourceMetadata === undefined) return pattern;
  if (!isObject(patternMetadata)) return pattern;
  let metadata: Record<string, unknown> | null = null;
  for (const tag of ['labels', 'annotations']) {
    const [patternKey, patternData] = getValueAsStringMap(tag, patternMetadata);
    if (patternData === null) continue;
    const [, resourceData] = getValueAsStringMap(tag, resourceMetadata);
    if (resourceData === null) continue;
    const results: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patternData)) {
      if (containsWildcard(k)) {
        const a = parseAnchor(k);
        if (a) results[anchorString(a.modifier, expandWildcards(a.key, v, resourceData, false, false)[0])] = v;
        else results[expandWildcards(k, v, resourceData, false, false)[0]] = v;
      } else {
        results[k] = v;
      }
    }
    metadata ??= { ...patternMetadata };
    metadata[patternKey] = results;
  }
  return metadata ? { ...pattern, [metaKey]: metadata } : pattern;
}

/** wildcards.ReplaceInSelector for matchLabels (matchExpressions have no wildcard support). */
export function replaceWildcardsInLabels(matchLabels: Record<string, string>, resourceLabels: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(matchLabels)) {
    if (containsWildcard(k) || containsWildcard(v)) {
      const [mk, mv] = expandWildcards(k, v, resourceLabels, true, true);
      result[mk] = mv;
    } else {
      result[k] = v;
    }
  }
  return result;
}
