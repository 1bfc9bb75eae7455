// Kubernetes' format library: the cases of apiserver/pkg/cel/library/format_test.go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Optional } from '@marcbachmann/cel-js';
import { value } from './helpers.ts';

function errors(expression: string): string[] | null {
  const result = value(expression);
  assert.ok(result instanceof Optional, expression);
  return (result as Optional).hasValue() ? ((result as Optional).value() as string[]) : null;
}

test('valid values give optional.none()', () => {
  for (const expression of [
    'format.dns1123Label().validate("my-label-name")',
    'format.dns1123Subdomain().validate("apiextensions.k8s.io")',
    'format.qualifiedName().validate("apiextensions.k8s.io/v1beta1")',
    'format.dns1123LabelPrefix().validate("my-label-prefix-")',
    'format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-")',
    'format.dns1035LabelPrefix().validate("my-label-prefix-")',
    'format.uri().validate("http://example.com")',
    'format.uuid().validate("123e4567-e89b-12d3-a456-426614174000")',
    'format.byte().validate("aGVsbG8=")',
    'format.date().validate("2021-01-01")',
    'format.datetime().validate("2021-01-01T00:00:00Z")',
    'format.labelValue().validate("my-cool-label-Value")',
  ]) {
    assert.is(errors(expression), null, expression);
  }
});

test('invalid values give apimachinery messages', () => {
  const label =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  assert.equal(errors('format.dns1123Label().validate("contains a space")'), [label]);
  assert.equal(errors('format.dns1123LabelPrefix().validate("contains a space-")'), [label]);
  assert.equal(errors('format.dns1123Subdomain().validate("contains a space")'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.equal(errors('format.dns1035Label().validate("contains a space")'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.equal(errors('format.qualifiedName().validate("contains a space")'), [
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ]);
  assert.equal(errors('format.byte().validate("aGVsbG8")'), ['invalid base64']);
  assert.equal(errors('format.date().validate("2020-01-32")'), ['invalid date']);
  assert.equal(errors('format.datetime().validate("2020-01-32T00:00:00Z")'), ['invalid datetime']);
  assert.equal(errors('format.labelValue().validate("my-cool-label-Value!!\\n\\n!!!")'), [
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]);
});

test('format.named lookups and identity', () => {
  const names = ['dns1123Label', 'dns1123Subdomain', 'dns1035Label', 'qualifiedName', 'dns1123LabelPrefix', 'dns1123SubdomainPrefix', 'dns1035LabelPrefix', 'labelValue', 'uri', 'uuid', 'byte', 'date', 'datetime'];
  assert.is(value('format.named("unknown").hasValue()'), false);
  for (const name of names) {
    assert.is(value(`format.named("${name}").hasValue()`), true, name);
    assert.is(value(`format.named("${name}").value() == format.${name}()`), true, name);
  }
  assert.is(value('format.uuid() == format.date()'), false);
});

test.run();
