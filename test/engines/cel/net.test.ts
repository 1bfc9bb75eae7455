// Kubernetes' IP and CIDR libraries: the documentation examples of apiserver/pkg/cel/library/ip.go
// and the cases of cidr_test.go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evalError, isTrue, value } from './helpers.ts';

test('ip() and isIP(): no leading zeros, zones or IPv4-mapped IPv6', () => {
  assert.is(value("isIP('127.0.0.1')"), true);
  assert.is(value("isIP('::1')"), true);
  assert.is(value("isIP('127.0.0.256')"), false);
  assert.is(value("isIP(':::1')"), false);
  assert.is(value("isIP('127.0.0.01')"), false);
  assert.match(evalError("ip('127.0.0.256')"), 'IP Address "127.0.0.256" parse error during conversion from string');
  assert.match(evalError("ip('fe80::1%eth0')"), 'with zone value is not allowed');
  assert.match(evalError("ip('::ffff:1.2.3.4')"), 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed');
});

test('ip.isCanonical', () => {
  assert.is(value("ip.isCanonical('127.0.0.1')"), true);
  assert.is(value("ip.isCanonical('2001:db8::abcd')"), true);
  assert.is(value("ip.isCanonical('2001:DB8::ABCD')"), false);
  assert.is(value("ip.isCanonical('2001:db8::0:0:0:abcd')"), false);
});

test('family and address classes', () => {
  assert.is(value("ip('127.0.0.1').family()"), 4n);
  assert.is(value("ip('::1').family()"), 6n);
  const cases: [string, boolean][] = [
    ["ip('0.0.0.0').isUnspecified()", true], ["ip('127.0.0.1').isUnspecified()", false],
    ["ip('::').isUnspecified()", true], ["ip('::1').isUnspecified()", false],
    ["ip('127.0.0.1').isLoopback()", true], ["ip('192.168.0.1').isLoopback()", false],
    ["ip('::1').isLoopback()", true], ["ip('2001:db8::abcd').isLoopback()", false],
    ["ip('224.0.0.1').isLinkLocalMulticast()", true], ["ip('224.0.1.1').isLinkLocalMulticast()", false],
    ["ip('ff02::1').isLinkLocalMulticast()", true], ["ip('fd00::1').isLinkLocalMulticast()", false],
    ["ip('169.254.169.254').isLinkLocalUnicast()", true], ["ip('192.168.0.1').isLinkLocalUnicast()", false],
    ["ip('fe80::1').isLinkLocalUnicast()", true], ["ip('fd80::1').isLinkLocalUnicast()", false],
    ["ip('192.168.0.1').isGlobalUnicast()", true], ["ip('255.255.255.255').isGlobalUnicast()", false],
    ["ip('2001:db8::abcd').isGlobalUnicast()", true], ["ip('ff00::1').isGlobalUnicast()", false],
  ];
  for (const [expression, expected] of cases) assert.is(value(expression), expected, expression);
});

test('cidr (cidr_test.go)', () => {
  assert.match(
    evalError('cidr("192.168.0.0/")'),
    'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("192.168.0.0/"): bad bits after slash: ""',
  );
  const cases: [string, unknown][] = [
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', true],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', false],
    ['cidr("192.168.0.0/24").containsIP("192.168.0.1")', true],
    ['cidr("192.168.0.0/24").containsIP("192.168.1.1")', false],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', true],
    ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/23"))', false],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25")', true],
    ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/23")', false],
    ['cidr("192.168.0.0/24").ip() == ip("192.168.0.0")', true],
    ['cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24")', true],
    ['cidr("192.168.0.0/24").prefixLength()', 24n],
    ['cidr("2001:db8::/32").containsIP(ip("2001:db8::1"))', true],
    ['cidr("2001:db8::/32").containsIP(ip("2001:dc8::1"))', false],
    ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/33"))', true],
    ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/31"))', false],
    ['cidr("2001:db8::/32").ip() == ip("2001:db8::")', true],
    ['cidr("2001:db8:1::/32").masked() == cidr("2001:db8::/32")', true],
    ['cidr("2001:db8::/32").prefixLength()', 32n],
    ['string(cidr("192.168.0.0/24"))', '192.168.0.0/24'],
    ['type(cidr("192.168.0.0/24")) == net.CIDR', true],
  ];
  for (const [expression, expected] of cases) assert.is(value(expression), expected, expression);
  isTrue('isCIDR("10.0.0.0/8") && !isCIDR("10.0.0.0/33") && !isCIDR("10.0.0.0/08")');
});

test.run();
