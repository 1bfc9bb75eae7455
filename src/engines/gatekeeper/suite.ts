/**
 * The gator Suite file (gatekeeper:pkg/gator/verify/suite.go, read_suites.go): a YAML file whose
 * group is `test.gatekeeper.sh` and kind `Suite` (version unchecked); anything else is ignored.
 * Decoded like `json.Unmarshal` into the typed Go struct, so a field of the wrong type is an error.
 */
import { KpcError } from '../../util/errors.ts';
import { parseGatorYaml } from './gator-yaml.ts';
import { describeJson, goTypeName, isJsonObject, type JsonObject, type JsonValue } from './values.ts';

export const SUITE_GROUP = 'test.gatekeeper.sh';
export const SUITE_KIND = 'Suite';

/** `violations: yes|no|<n>` — an IntOrString; absent means "yes". */
export type ViolationsExpectation = { readonly type: 'int'; readonly value: number } | { readonly type: 'string'; readonly value: string };

export interface Assertion {
  readonly violations: ViolationsExpectation | undefined;
  readonly message: string | undefined;
}

export interface SuiteCase {
  readonly name: string;
  readonly object: string;
  readonly inventory: readonly string[];
  readonly assertions: readonly Assertion[];
  readonly skip: boolean;
}

export interface SuiteTest {
  readonly name: string;
  readonly template: string;
  readonly constraint: string;
  readonly expansion: string;
  readonly cases: readonly SuiteCase[];
  readonly invalid: boolean;
  readonly skip: boolean;
}

export interface Suite {
  readonly file: string;
  readonly line: number;
  readonly tests: readonly SuiteTest[];
  readonly skip: boolean;
}

/** The Suite in a YAML file, or null when the file is not a Suite. Throws KpcError when it is one but malformed. */
export function parseSuite(text: string, file: string): Suite | null {
  const doc = parseGatorYaml(text, file);
  const [group] = groupVersionOf(doc.value);
  if (group !== SUITE_GROUP || doc.value['kind'] !== SUITE_KIND) return null;
  const field = new FieldDecoder(file, doc.line);
  return {
    file,
    line: doc.line,
    tests: field.list(doc.value, 'tests', 'Suite.tests', (test, path) => decodeTest(field, test, path)),
    skip: field.bool(doc.value, 'skip', 'Suite.skip'),
  };
}

/** apiVersion split as schema.ParseGroupVersion does for unstructured: "v1" → ["", "v1"], "a/b" → ["a", "b"]. */
export function groupVersionOf(obj: JsonObject): [group: string, version: string] {
  const apiVersion = obj['apiVersion'];
  if (typeof apiVersion !== 'string' || apiVersion === '') return ['', ''];
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return ['', apiVersion];
  if (apiVersion.indexOf('/', slash + 1) >= 0) return ['', '']; // unparseable: GroupVersionKind() gives empty
  return [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

function decodeTest(field: FieldDecoder, test: JsonObject, path: string): SuiteTest {
  return {
    name: field.string(test, 'name', `${path}.name`),
    template: field.string(test, 'template', `${path}.template`),
    constraint: field.string(test, 'constraint', `${path}.constraint`),
    expansion: field.string(test, 'expansion', `${path}.expansion`),
    cases: field.list(test, 'cases', `${path}.cases`, (c, casePath) => decodeCase(field, c, casePath)),
    invalid: field.bool(test, 'invalid', `${path}.invalid`),
    skip: field.bool(test, 'skip', `${path}.skip`),
  };
}

function decodeCase(field: FieldDecoder, c: JsonObject, path: string): SuiteCase {
  const inventory = c['inventory'];
  let files: string[] = [];
  if (inventory !== undefined && inventory !== null) {
    if (!Array.isArray(inventory)) throw field.typeError(`${path}.inventory`, inventory, '[]string');
    files = inventory.map((item, i) => {
      if (typeof item !== 'string') throw field.typeError(`${path}.inventory[${i}]`, item, 'string');
      return item;
    });
  }
  return {
    name: field.string(c, 'name', `${path}.name`),
    object: field.string(c, 'object', `${path}.object`),
    inventory: files,
    assertions: field.list(c, 'assertions', `${path}.assertions`, (a, assertionPath) => decodeAssertion(field, a, assertionPath)),
    skip: field.bool(c, 'skip', `${path}.skip`),
  };
}

function decodeAssertion(field: FieldDecoder, a: JsonObject, path: string): Assertion {
  const violations = a['violations'];
  let expectation: ViolationsExpectation | undefined;
  if (violations === undefined || violations === null) expectation = undefined;
  else if (typeof violations === 'string') expectation = { type: 'string', value: violations };
  else if (typeof violations === 'bigint' && violations >= -(2n ** 31n) && violations < 2n ** 31n) expectation = { type: 'int', value: Number(violations) };
  else throw field.typeError(`${path}.violations`, violations, 'int32');
  const message = a['message'];
  if (message !== undefined && message !== null && typeof message !== 'string') throw field.typeError(`${path}.message`, message, 'string');
  return { violations: expectation, message: typeof message === 'string' ? message : undefined };
}

/** json.Unmarshal into typed fields: absent/null → zero value, wrong JSON type → error. */
class FieldDecoder {
  constructor(
    private readonly file: string,
    private readonly line: number,
  ) {}

  string(obj: JsonObject, key: string, path: string): string {
    const value = obj[key];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw this.typeError(path, value, 'string');
    return value;
  }

  bool(obj: JsonObject, key: string, path: string): boolean {
    const value = obj[key];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw this.typeError(path, value, 'bool');
    return value;
  }

  list<T>(obj: JsonObject, key: string, path: string, decode: (item: JsonObject, path: string) => T): T[] {
    const value = obj[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.typeError(path, value, 'array');
    return value.map((item, i) => {
      if (item === null) return decode({}, `${path}[${i}]`);
      if (!isJsonObject(item)) throw this.typeError(`${path}[${i}]`, item, 'object');
      return decode(item, `${path}[${i}]`);
    });
  }

  typeError(path: string, value: JsonValue, want: string): KpcError {
    return new KpcError(`invalid yaml: json: cannot unmarshal ${jsonKind(value)} into Go struct field ${path} of type ${want} (got ${describeJson(value)}, ${goTypeName(value)})`, {
      file: this.file,
      line: this.line,
      field: path,
    });
  }
}

function jsonKind(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  if (typeof value === 'bigint' || typeof value === 'number') return 'number';
  return typeof value;
}
