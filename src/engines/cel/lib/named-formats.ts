// Kubernetes' format library (apiserver/pkg/cel/library/format.go, Kubernetes ≥1.31):
// `format.named(name)`, `format.<name>()` and `<Format>.validate(s)` → optional list of errors,
// with apimachinery's validation messages (util/validation/validation.go) and kube-openapi strfmt.
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { registerNamespaceType } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import { requestURIError } from './url.ts';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;

const anchored = (fmt: string) => new RegExp(`^(?:${fmt})$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);
const QNAME = anchored(QNAME_FMT);
const LABEL_VALUE = anchored(LABEL_VALUE_FMT);

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
const maxLenError = (n: number) => `must be no more than ${n} characters`;

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // (sic) apimachinery joins the examples with "', " and " or ", leaving two spaces before "or"
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL.test(value)) {
    if (DNS1123_SUBDOMAIN.test(value)) errs.push('must not contain dots');
    else {
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          DNS1123_LABEL_FMT,
          'my-name',
          '123-abc',
        ),
      );
    }
  }
  return errs;
}

function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return errs;
}

function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL.test(value)) {
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errs;
}

const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QNAME.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

// apimachinery api/validation maskTrailingDash: a trailing '-' is allowed in a generateName prefix.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

// strfmt IsDateTime
function isDateTime(value: string): boolean {
  if (value.length < 4) return false;
  const parts = value.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(parts[1]!);
  return m !== null && m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

const UUID = /(^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)|(^[0-9a-f]{32}$)/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class FormatValue {
  constructor(
    readonly name: string,
    readonly validate: (s: string) => string[],
  ) {}
}

/** format.go ConstantFormats */
export const NAMED_FORMATS: Readonly<Record<string, FormatValue>> = {
  dns1123Label: new FormatValue('DNS1123Label', (s) => isDNS1123Label(s)),
  dns1123Subdomain: new FormatValue('DNS1123Subdomain', (s) => isDNS1123Subdomain(s)),
  dns1035Label: new FormatValue('DNS1035Label', (s) => isDNS1035Label(s)),
  qualifiedName: new FormatValue('QualifiedName', isQualifiedName),
  dns1123LabelPrefix: new FormatValue('DNS1123LabelPrefix', (s) => isDNS1123Label(maskTrailingDash(s))),
  dns1123SubdomainPrefix: new FormatValue('DNS1123SubdomainPrefix', (s) => isDNS1123Subdomain(maskTrailingDash(s))),
  dns1035LabelPrefix: new FormatValue('DNS1035LabelPrefix', (s) => isDNS1035Label(maskTrailingDash(s))),
  labelValue: new FormatValue('LabelValue', isValidLabelValue),
  uri: new FormatValue('URI', (s) => {
    const error = requestURIError(s);
    return error === null ? [] : [error];
  }),
  uuid: new FormatValue('uuid', (s) => (UUID.test(s) ? [] : ['does not match the UUID format'])),
  byte: new FormatValue('byte', (s) => (BASE64.test(s.replace(/[\r\n]/g, '')) ? [] : ['invalid base64'])),
  date: new FormatValue('date', (s) => (isDate(s) ? [] : ['invalid date'])),
  datetime: new FormatValue('datetime', (s) => (isDateTime(s) ? [] : ['invalid datetime'])),
};

class FormatNamespace {}
const FORMAT = 'kubernetes.NamedFormat';

export const namedFormatsLibrary: CelLibrary = {
  name: 'format',
  install(env: Environment) {
    env.registerType(FORMAT, FormatValue);
    env.registerType('FormatNamespace', FormatNamespace);
    registerNamespaceType('FormatNamespace');
    env.registerConstant('format', 'FormatNamespace', new FormatNamespace());
    env.registerFunction(`FormatNamespace.named(string): optional<${FORMAT}>`, (_ns: unknown, name: string) => {
      const format = Object.hasOwn(NAMED_FORMATS, name) ? NAMED_FORMATS[name] : undefined;
      return format ? Optional.of(format) : Optional.none();
    });
    for (const [name, format] of Object.entries(NAMED_FORMATS)) {
      env.registerFunction(`FormatNamespace.${name}(): ${FORMAT}`, () => format);
    }
    env.registerOperator(`${FORMAT} == ${FORMAT}`, (a: FormatValue, b: FormatValue) => a === b);
    env.registerFunction(`${FORMAT}.validate(string): optional<list<string>>`, (format: FormatValue, s: string) => {
      const errors = format.validate(s);
      return errors.length === 0 ? Optional.none() : Optional.of(errors);
    });
  },
};
