// Kubernetes' semver library: the documentation examples of apiserver/pkg/cel/library/semverlib.go
// and blang/semver v4 precedence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evalError, value } from './helpers.ts';

test('semver parsing, strict and normalized', () => {
  assert.is(value("isSemver('1.0.0')"), true);
  assert.is(value("isSemver('1.0')"), false);
  assert.is(value("isSemver('v1.0')"), false);
  assert.is(value("isSemver('v1.0', true)"), true);
  assert.is(value("isSemver('1.0.0-beta.1+build.5')"), true);
  assert.is(value("isSemver('01.0.0')"), false);
  assert.is(value("semver('v01.2', true) == semver('1.2.0')"), true);
  assert.match(evalError("semver('1.2-rc', true)"), 'short version cannot contain PreRelease/Build meta data');
  assert.match(evalError("semver('1.2.03')"), 'Patch number must not contain leading zeroes "03"');
});

test('accessors and comparison (pre-release < release, build ignored)', () => {
  assert.is(value("semver('1.2.3').major()"), 1n);
  assert.is(value("semver('1.2.3').minor()"), 2n);
  assert.is(value("semver('1.2.3').patch()"), 3n);
  assert.is(value("semver('1.2.3').compareTo(semver('1.2.3'))"), 0n);
  assert.is(value("semver('1.2.3').compareTo(semver('2.0.0'))"), -1n);
  assert.is(value("semver('1.2.3').compareTo(semver('0.1.2'))"), 1n);
  assert.is(value("semver('1.0.0').isGreaterThan(semver('1.0.0-rc.1'))"), true);
  assert.is(value("semver('1.0.0-alpha.1').isLessThan(semver('1.0.0-alpha.beta'))"), true);
  assert.is(value("semver('1.0.0-beta.2').isLessThan(semver('1.0.0-beta.11'))"), true);
  assert.is(value("semver('1.0.0+a') == semver('1.0.0+b')"), true);
});

test.run();
