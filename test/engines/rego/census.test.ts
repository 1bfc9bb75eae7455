// The builtins census of docs/gatekeeper.md §3.3 (every builtin the gatekeeper-library uses): each
// is registered, and each is exercised by at least one case file under cases/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../../src/engines/rego/builtins/all.ts';
import { lookupBuiltin } from '../../../src/engines/rego/builtins/registry.ts';
import { collectFiles } from '../../../src/util/files.ts';

const NAMED = ['sprintf', 'object.get', 'count', 'endswith', 'startswith', 'is_string', 'trim_suffix', 'substring', 'is_number', 'regex.match', 'to_number', 'concat', 'lower', 'replace', 'contains', 'strings.any_prefix_match', 'is_array', 'split', 'sort', 'strings.any_suffix_match', 'trim'];
const INFIX: Record<string, string> = { '==': 'equal', '>': 'gt', '-': 'minus', '!=': 'neq', '*': 'mul', '>=': 'gte', '<=': 'lte', '&': 'and', '<': 'lt' };

const cases = collectFiles([join(import.meta.dirname, 'cases')], { extensions: ['.yaml'] })
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

for (const name of NAMED) {
  test(`census builtin ${name} is registered and exercised`, () => {
    assert.ok(lookupBuiltin(name), `${name} is registered`);
    assert.ok(new RegExp(`(^|[^\\w.])${name.replace('.', '\\.')}\\(`, 'm').test(cases), `${name}( appears in a case`);
  });
}

for (const [op, name] of Object.entries(INFIX)) {
  test(`census operator ${op} (${name}) is registered and exercised`, () => {
    assert.ok(lookupBuiltin(name), `${name} is registered`);
    assert.ok(cases.includes(` ${op} `), `${op} appears in a case`);
  });
}

test.run();
