// Bad input never crashes: any source text either compiles or fails with a RegoCompileError (with a
// location), and evaluation of what compiles fails only with RegoEvalError. Property-based, seeded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { compileRego, RegoCompileError, RegoEvalError } from '../../../src/engines/rego/index.ts';
import { UnsupportedError } from '../../../src/util/errors.ts';

const SEED_SOURCE = `package k8s
import data.lib.exempt.is_exempt
violation[{"msg": msg, "details": {}}] {
  c := input.review.object.spec.containers[_]
  not is_exempt(c)
  not c.securityContext.runAsNonRoot == true
  msg := sprintf("container %v: %v", [c.name, object.get(c, ["securityContext", "runAsUser"], 0)])
}
f("Ki") = 1024 { true }
g(x) = y { y := [v | v := x[_]; v > count(x) - 1] } else = [] { true }
`;
const LIB = 'package lib.exempt\nis_exempt(c) { startswith(c.image, "safe/") }\n';

/** A mutation of the seed: characters deleted, duplicated or replaced by Rego punctuation. */
const mutated = fc
  .array(fc.tuple(fc.nat(SEED_SOURCE.length - 1), fc.constantFrom('del', 'dup', '{', '}', '[', ']', '(', ')', '"', '\n', ' ', ':=', '=', '|', '_', '`', '#', '-', '.', ',')), { minLength: 1, maxLength: 6 })
  .map((edits) => {
    let s = SEED_SOURCE;
    for (const [at, op] of edits) {
      const i = at % Math.max(1, s.length);
      if (op === 'del') s = s.slice(0, i) + s.slice(i + 1);
      else if (op === 'dup') s = s.slice(0, i) + s.slice(i, i + 1) + s.slice(i);
      else s = s.slice(0, i) + op + s.slice(i);
    }
    return s;
  });

function acceptable(e: unknown): boolean {
  return e instanceof RegoCompileError || e instanceof RegoEvalError || e instanceof UnsupportedError;
}

test('mutated sources compile or fail with located compile errors; what compiles evaluates or fails cleanly', () => {
  const input = { review: { object: { spec: { containers: [{ name: 'a', image: 'x', securityContext: {} }, { name: 'b', image: 'safe/y' }] } } } };
  fc.assert(
    fc.property(mutated, (source) => {
      let policy;
      try {
        policy = compileRego([{ path: 'm.rego', source }, { path: 'lib.rego', source: LIB }]);
      } catch (e) {
        if (!(e instanceof RegoCompileError)) return false;
        return e.errors.every((d) => d.location === undefined || (d.location.line >= 1 && d.location.column >= 1));
      }
      try {
        policy.query('x := data.k8s.violation', { input, limits: { maxSteps: 100_000 } });
      } catch (e) {
        return acceptable(e);
      }
      return true;
    }),
    { seed: 20261127, numRuns: 400 },
  );
});

test('arbitrary text never escapes as anything but a RegoCompileError', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (tail) => {
      try {
        compileRego([{ path: 'r.rego', source: `package r\n${tail}` }]);
        return true;
      } catch (e) {
        return e instanceof RegoCompileError;
      }
    }),
    { seed: 7, numRuns: 400 },
  );
});

test('the unmutated seed compiles and finds the one violation', () => {
  const policy = compileRego([{ path: 'm.rego', source: SEED_SOURCE }, { path: 'lib.rego', source: LIB }]);
  const input = { review: { object: { spec: { containers: [{ name: 'a', image: 'x', securityContext: {} }, { name: 'b', image: 'safe/y' }] } } } };
  assert.equal(policy.evaluate('data.k8s.violation', { input }), [{ details: {}, msg: 'container a: 0' }]);
});

test.run();
