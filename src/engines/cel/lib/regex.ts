// Regular expressions: cel-go's `matches` (RE2, replacing cel-js's JS RegExp) and Kubernetes' regex
// library (apiserver/pkg/cel/library/regex.go): find, findAll.
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCall, REGEX_STRING_LENGTH_COST_FACTOR, traversalCost } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import { regexFind, regexFindAll, regexMatches } from '../regex.ts';

// cel-go runtimecost.go (MatchesString) and library/cost.go (find, findAll).
function chargeRegex(input: string, pattern: string): void {
  chargeCall(traversalCost(1 + input.length) * traversalCost(pattern.length, REGEX_STRING_LENGTH_COST_FACTOR));
}

export const regexLibrary: CelLibrary = {
  name: 'kubernetes.regex',
  install(env: Environment) {
    const matches = (input: string, pattern: string) => (chargeRegex(input, pattern), regexMatches(input, pattern));
    env.registerFunction('string.matches(string): bool', matches, { replace: true });
    env.registerFunction('matches(string, string): bool', matches);
    env.registerFunction('string.find(string): string', (input: string, pattern: string) => {
      chargeRegex(input, pattern);
      return regexFind(input, pattern);
    });
    env.registerFunction('string.findAll(string): list<string>', (input: string, pattern: string) => {
      chargeRegex(input, pattern);
      return regexFindAll(input, pattern, -1);
    });
    env.registerFunction('string.findAll(string, int): list<string>', (input: string, pattern: string, limit: bigint) => {
      chargeRegex(input, pattern);
      return regexFindAll(input, pattern, limit > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : limit < 0n ? -1 : Number(limit));
    });
  },
};
