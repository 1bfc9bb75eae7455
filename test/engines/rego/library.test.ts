// Every gatekeeper-library template's Rego (targets[].rego + libs, and code[] Rego sources) parses
// and compiles, and evaluates its `violation` rule on each of its samples without a run-time error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dirname, join, relative } from 'node:path';
import { existsSync } from 'node:fs';
import { compileRego, type RegoModuleSource } from '../../../src/engines/rego/index.ts';
import { toGoFloatNumbers } from '../../../src/engines/rego/values/convert.ts';
import { collectFiles } from '../../../src/util/files.ts';
import { readYamlObjects } from '../../../src/util/yaml.ts';
import { conformancePath } from '../../skip.ts';

interface RegoSource {
  readonly rego: string;
  readonly libs: readonly string[];
  readonly version: 'v0' | 'v1';
}

/** The Rego sources of a ConstraintTemplate: legacy targets[].rego + libs, and code[] engine Rego. */
function regoSources(template: Record<string, unknown>): RegoSource[] {
  const spec = template.spec as { targets?: { rego?: string; libs?: string[]; code?: { engine: string; source: { rego?: string; libs?: string[]; version?: string } }[] }[] };
  const out: RegoSource[] = [];
  for (const t of spec.targets ?? []) {
    if (typeof t.rego === 'string') out.push({ rego: t.rego, libs: t.libs ?? [], version: 'v0' });
    for (const c of t.code ?? []) {
      if (c.engine === 'Rego' && typeof c.source.rego === 'string') {
        out.push({ rego: c.source.rego, libs: c.source.libs ?? [], version: c.source.version === 'v1' ? 'v1' : 'v0' });
      }
    }
  }
  return out;
}

function modulesOf(src: RegoSource, file: string): RegoModuleSource[] {
  return [
    { path: `${file}#rego`, source: src.rego, regoVersion: src.version },
    ...src.libs.map((lib, i) => ({ path: `${file}#libs[${i}]`, source: lib, regoVersion: src.version })),
  ];
}

const library = conformancePath('gatekeeper-library/library');
if (library) {
  const templates = collectFiles([library], { fileName: 'template.yaml' });

  test('the library has templates to compile', () => {
    assert.ok(templates.length >= 19, `found ${templates.length} templates`);
  });

  for (const file of templates) {
    const name = relative(library, file);
    test(`compiles ${name}`, () => {
      const [doc] = readYamlObjects(file);
      assert.ok(doc, 'template document');
      const sources = regoSources(doc.value);
      assert.ok(sources.length > 0, 'template has Rego');
      for (const src of sources) {
        const policy = compileRego(modulesOf(src, name));
        const pkg = /^package\s+([\w.]+)/m.exec(src.rego)?.[1];
        assert.ok(pkg, 'main module has a package');
        // every sample object of this template evaluates without error; violations carry string msgs
        const samples = join(dirname(file), 'samples');
        if (!existsSync(samples)) continue;
        for (const sample of collectFiles([samples], { extensions: ['.yaml'] })) {
          for (const obj of readYamlObjects(sample)) {
            if (obj.value.kind === 'AdmissionReview' || String(obj.value.apiVersion ?? '').startsWith('constraints.')) continue;
            const review = { kind: { group: '', version: 'v1', kind: obj.value.kind }, operation: '', object: toGoFloatNumbers(obj.value), oldObject: null };
            const rows = policy.query(`r := data.${pkg}.violation[_]`, { input: { review, parameters: {} } });
            for (const row of rows) assert.type((row.r as { msg?: unknown }).msg, 'string', `${relative(library, sample)}: msg`);
          }
        }
      }
    });
  }
}
test.run();
