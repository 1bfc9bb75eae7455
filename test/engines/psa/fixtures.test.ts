// Our own PSA fixtures (test/fixtures/psa/*.yaml): each names an object and, per level/version,
// the verdict and PSA's exact aggregate message worked out from the upstream source.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basename, resolve } from 'node:path';
import { collectFiles } from '../../../src/util/files.ts';
import { readYamlObjects, isPlainObject } from '../../../src/util/yaml.ts';
import { decodePod, evaluatePodView, extractPodSpec } from '../../../src/engines/psa/index.ts';

const dir = resolve(import.meta.dirname, '../../fixtures/psa');
const files = collectFiles([dir], { extensions: ['.yaml'] });

interface Expectation {
  level: string;
  version: string;
  emulationVersion?: string;
  allowed?: boolean;
  message?: string;
}

test('the fixture folder holds the cases the brief asks for', () => {
  const names = files.map((f) => basename(f));
  for (const needed of ['ephemeral', 'apparmor', 'windows', 'hostusers', 'container-engine-t', 'volumes-csi-ephemeral-image', 'host-probes', 'lowercase-all']) {
    assert.ok(names.some((n) => n.includes(needed)), `a fixture about ${needed}`);
  }
});

for (const file of files) {
  const [doc] = readYamlObjects(file);
  const fixture = doc!.value;
  const expectations = fixture['expect'] as Expectation[];
  const object = fixture['object'];
  test(`${basename(file)}: well-formed`, () => {
    assert.type(fixture['description'], 'string');
    assert.type(fixture['upstream'], 'string');
    assert.ok(isPlainObject(object), 'object');
    assert.ok(Array.isArray(expectations) && expectations.length > 0, 'expect');
    for (const e of expectations) assert.ok((e.allowed === true) !== (typeof e.message === 'string'), 'each expectation is allowed: true or a message');
  });
  for (const e of expectations ?? []) {
    const label = `${e.level}:${e.version}${e.emulationVersion ? ` (emulating ${e.emulationVersion})` : ''}`;
    test(`${basename(file)} at ${label}`, () => {
      const extracted = extractPodSpec(object as Record<string, unknown>)!;
      const view = decodePod(extracted.metadata, extracted.spec, extracted.defaulting);
      const result = evaluatePodView(e.level, e.version, view, e.emulationVersion ? { emulationVersion: e.emulationVersion } : {});
      if (e.allowed) {
        assert.is(result.message, '', 'no violation expected');
        assert.ok(result.allowed);
      } else {
        assert.is(result.message, e.message);
        assert.not.ok(result.allowed);
      }
    });
  }
}

test.run();
