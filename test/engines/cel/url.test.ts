// Kubernetes' URL library: the documentation examples of apiserver/pkg/cel/library/urls.go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evalError, value } from './helpers.ts';

test('url() and isURL() accept absolute URIs and absolute paths only', () => {
  assert.is(value("isURL('https://user:pass@example.com:80/path?query=val#fragment')"), true);
  assert.is(value("isURL('/absolute-path')"), true);
  assert.is(value("isURL('https://a:b:c/')"), false);
  assert.is(value("isURL('../relative-path')"), false);
  assert.match(evalError("url('https://a:b:c/')"), 'URL parse error during conversion from string');
  assert.match(evalError("url('../relative-path')"), 'invalid URI for request');
});

test('components', () => {
  assert.is(value("url('/path').getScheme()"), '');
  assert.is(value("url('https://example.com/').getScheme()"), 'https');
  assert.is(value("url('https://example.com:80/').getHost()"), 'example.com:80');
  assert.is(value("url('https://example.com/').getHost()"), 'example.com');
  assert.is(value("url('https://[::1]:80/').getHost()"), '[::1]:80');
  assert.is(value("url('https://[::1]/').getHost()"), '[::1]');
  assert.is(value("url('/path').getHost()"), '');
  assert.is(value("url('https://example.com:80/').getHostname()"), 'example.com');
  assert.is(value("url('https://127.0.0.1:80/').getHostname()"), '127.0.0.1');
  assert.is(value("url('https://[::1]:80/').getHostname()"), '::1');
  assert.is(value("url('/path').getHostname()"), '');
  assert.is(value("url('https://example.com:80/').getPort()"), '80');
  assert.is(value("url('https://example.com/').getPort()"), '');
  assert.is(value("url('/path').getPort()"), '');
  assert.is(value("url('https://example.com/path').getEscapedPath()"), '/path');
  assert.is(value("url('https://example.com/path with spaces/').getEscapedPath()"), '/path%20with%20spaces/');
  assert.is(value("url('https://example.com').getEscapedPath()"), '');
  assert.equal(value("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()"), { k1: ['a'], k2: ['b', 'c'] });
  assert.equal(value("url('https://example.com/path?key with spaces=value with spaces').getQuery()"), { 'key with spaces': ['value with spaces'] });
  assert.equal(value("url('https://example.com/path?').getQuery()"), {});
  assert.equal(value("url('https://example.com/path').getQuery()"), {});
  assert.is(value("url('https://example.com/a') == url('https://example.com/a')"), true);
});

test.run();
