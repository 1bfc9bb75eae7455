// How the constraint framework prepares a template's Rego (frameworks constraint/pkg/client/drivers/
// rego/compilers.go, regorewriter) and where its errors point. A parse or compile error names the
// Rego module and line as OPA prints it ("template:3: rego_parse_error: …") and is placed at the
// file line and column of the Rego inside the template's literal block.
import { resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RegoDriver } from '../../../src/engines/gatekeeper/rego-driver.ts';
import { GatekeeperError } from '../../../src/engines/gatekeeper/errors.ts';
import { readTemplateFile } from '../../../src/engines/gatekeeper/verify.ts';

const bad = (name: string) => resolve(import.meta.dirname, '../../fixtures/gatekeeper/runner/templates-bad', name);

function addError(file: string): GatekeeperError {
  try {
    new RegoDriver().addTemplate(readTemplateFile(file));
  } catch (error) {
    if (error instanceof GatekeeperError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

test('parse error: OPA text, file line and column of the token', () => {
  const error = addError(bad('parse-error.yaml'));
  assert.is(error.code, 'invalid-template');
  assert.match(error.message, /^invalid ConstraintTemplate: 1 error occurred: template:3: rego_parse_error: /);
  // rego line 3 is file line 22; the "*" is at column 19 (10 columns of block indentation + 9)
  assert.is(error.line, 22);
  assert.is(error.column, 19);
  assert.is(error.field, 'spec.targets[0].rego');
});

test('compile error: unsafe variable, at its line in the file', () => {
  const error = addError(bad('compile-error.yaml'));
  assert.match(error.message, /^unable to compile modules: 1 error occurred: template:3: rego_unsafe_var_error: var f is unsafe$/);
  assert.is(error.line, 16);
  assert.is(error.column, 11);
});

test('a lib error names the lib and points into it', () => {
  const error = addError(bad('lib-parse-error.yaml'));
  assert.match(error.message, /libs\["lib_1"\]:2: rego_parse_error: /);
  assert.is(error.field, 'spec.targets[0].code[0].source.libs[1]');
  assert.is(error.line, 26);
});

test('rewriter checks', () => {
  assert.match(addError(bad('bad-lib-package.yaml')).message, /invalid lib prefix: path data\.helpers not found in lib prefixes/);
  assert.match(addError(bad('bad-data-ref.yaml')).message, /check refs failed on module template: disallowed ref data\.secrets\.token/);
  assert.match(addError(bad('import-input.yaml')).message, /invalid import: cannot import input: "input\.review"/);
  assert.match(addError(bad('missing-violation.yaml')).message, /missing required rules: \[violation\]/);
});

test.run();
