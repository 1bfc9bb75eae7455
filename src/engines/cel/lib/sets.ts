// cel-go ext.Sets (Kubernetes ≥1.29): sets.contains, sets.equivalent, sets.intersects over lists.
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCall, registerNamespaceType } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import { celEquals } from './equality.ts';

class SetsNamespace {}

function contains(list: readonly unknown[], sublist: readonly unknown[]): boolean {
  return sublist.every((item) => list.some((x) => celEquals(x, item)));
}

export const setsLibrary: CelLibrary = {
  name: 'cel.lib.ext.sets',
  install(env: Environment) {
    env.registerType('SetsNamespace', SetsNamespace);
    registerNamespaceType('SetsNamespace');
    env.registerConstant('sets', 'SetsNamespace', new SetsNamespace());
    // trackSetsCost: 1 + |a|·|b|·factor
    env.registerFunction('SetsNamespace.contains(list, list): bool', (_ns: unknown, a: unknown[], b: unknown[]) => {
      chargeCall(1 + a.length * b.length);
      return contains(a, b);
    });
    env.registerFunction('SetsNamespace.equivalent(list, list): bool', (_ns: unknown, a: unknown[], b: unknown[]) => {
      chargeCall(1 + a.length * b.length * 2);
      return contains(a, b) && contains(b, a);
    });
    env.registerFunction('SetsNamespace.intersects(list, list): bool', (_ns: unknown, a: unknown[], b: unknown[]) => {
      chargeCall(1 + a.length * b.length);
      return a.some((item) => b.some((x) => celEquals(x, item)));
    });
  },
};
