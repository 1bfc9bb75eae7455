// Kubernetes' URL library (apiserver/pkg/cel/library/urls.go) over a port of the parts of Go's
// net/url it uses: ParseRequestURI to validate, Parse to decompose, Hostname, Port, EscapedPath,
// Query.
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCall, traversalCost } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import type { CelComparable } from './equality.ts';

type Mode = 'path' | 'host' | 'userPassword' | 'queryComponent' | 'fragment';

const isAlnum = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

// net/url shouldEscape
function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if (mode === 'host' && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path':
        return c === '?';
      case 'userPassword':
        return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

// net/url unescape (over bytes; the result is read back as UTF-8)
function unescape(s: string, mode: Mode): string {
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new Error(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      if (mode === 'host' && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== '%25') {
        throw new Error(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if (mode === 'host' && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
        throw new Error(`invalid character ${JSON.stringify(c)} in host name`);
      }
      i++;
    }
  }
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (c === '+' && mode === 'queryComponent') {
      bytes.push(0x20);
      i++;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// net/url escape
function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && !shouldEscape(c, mode)) out += c;
    else if (c === ' ' && mode === 'queryComponent') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of s) {
    if (`!$&'()*+,;=:@[]%`.includes(c)) continue;
    if (c.charCodeAt(0) >= 0x80 || shouldEscape(c, mode)) return false;
  }
  return true;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  return port[0] === ':' && /^[0-9]*$/.test(port.slice(1));
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c === '+' || c === '-' || c === '.') {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new Error("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${JSON.stringify(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'fragment') + unescape(host.slice(i), 'host');
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${JSON.stringify(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

interface ParsedURL {
  scheme: string;
  opaque: string;
  user: string | null;
  host: string;
  path: string;
  rawPath: string;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
}

// net/url parse(rawURL, viaRequest)
function parse(raw: string, viaRequest: boolean): ParsedURL {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new Error('empty url');
  const url: ParsedURL = { scheme: '', opaque: '', user: null, host: '', path: '', rawPath: '', forceQuery: false, rawQuery: '', fragment: '' };
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  let [scheme, rest] = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return url;
    }
    if (viaRequest) throw new Error('invalid URI for request');
    const segment = rest.split('/')[0]!;
    if (segment.includes(':')) throw new Error('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    url.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new Error('net/url: invalid userinfo');
      url.user = userinfo;
    }
  }
  url.path = unescape(rest, 'path');
  url.rawPath = escape(url.path, 'path') === rest ? '' : rest;
  return url;
}

function escapedPath(url: ParsedURL): string {
  if (url.rawPath !== '' && validEncoded(url.rawPath, 'path')) {
    try {
      if (unescape(url.rawPath, 'path') === url.path) return url.rawPath;
    } catch {
      // fall through to escaping the path
    }
  }
  if (url.path === '*') return '*';
  return escape(url.path, 'path');
}

function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

/** net/url ParseQuery, ignoring malformed pairs as URL.Query() does. */
function parseQuery(query: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair.includes(';') || pair === '') continue;
    const eq = pair.indexOf('=');
    const [rawKey, rawValue] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    try {
      const key = unescape(rawKey, 'queryComponent');
      const value = unescape(rawValue, 'queryComponent');
      result.set(key, [...(result.get(key) ?? []), value]);
    } catch {
      // skipped, as Go records the error and continues
    }
  }
  return result;
}

export class URLValue implements CelComparable {
  constructor(readonly url: ParsedURL) {}

  /** URL.String() equality, via the parts it is built from. */
  celEquals(other: unknown): boolean {
    if (!(other instanceof URLValue)) return false;
    const a = this.url;
    const b = other.url;
    return (
      a.scheme === b.scheme && a.opaque === b.opaque && a.user === b.user && a.host === b.host &&
      escapedPath(a) === escapedPath(b) && a.rawQuery === b.rawQuery && a.forceQuery === b.forceQuery && a.fragment === b.fragment
    );
  }
}

/** url(): ParseRequestURI must accept the string (absolute URI or absolute path), then Parse decomposes it. */
export function parseURL(text: string): URLValue {
  try {
    parse(text, true);
    const hash = text.indexOf('#');
    const url = parse(hash < 0 ? text : text.slice(0, hash), false);
    if (hash >= 0) url.fragment = unescape(text.slice(hash + 1), 'fragment');
    return new URLValue(url);
  } catch (error) {
    throw new Error(`URL parse error during conversion from string: parse ${JSON.stringify(text)}: ${(error as Error).message}`);
  }
}

export function isURL(text: string): boolean {
  return requestURIError(text) === null;
}

/** url.ParseRequestURI's error as Go prints it (`parse "x": …`), or null when the string parses. */
export function requestURIError(text: string): string | null {
  try {
    parse(text, true);
    return null;
  } catch (error) {
    return `parse ${JSON.stringify(text)}: ${(error as Error).message}`;
  }
}

const URL_TYPE = 'kubernetes.URL';

export const urlLibrary: CelLibrary = {
  name: 'kubernetes.urls',
  install(env: Environment) {
    env.registerType(URL_TYPE, URLValue);
    env.registerFunction(`url(string): ${URL_TYPE}`, (s: string) => (chargeCall(traversalCost(s.length)), parseURL(s)));
    env.registerFunction('isURL(string): bool', (s: string) => isURL(s));
    env.registerFunction(`${URL_TYPE}.getScheme(): string`, (u: URLValue) => u.url.scheme);
    env.registerFunction(`${URL_TYPE}.getHost(): string`, (u: URLValue) => u.url.host);
    env.registerFunction(`${URL_TYPE}.getHostname(): string`, (u: URLValue) => splitHostPort(u.url.host)[0]);
    env.registerFunction(`${URL_TYPE}.getPort(): string`, (u: URLValue) => splitHostPort(u.url.host)[1]);
    env.registerFunction(`${URL_TYPE}.getEscapedPath(): string`, (u: URLValue) => escapedPath(u.url));
    env.registerFunction(`${URL_TYPE}.getQuery(): map<string, list<string>>`, (u: URLValue) => {
      const out: Record<string, string[]> = {};
      for (const [key, values] of parseQuery(u.url.rawQuery)) {
        if (key === '__proto__') Object.defineProperty(out, key, { value: values, enumerable: true, writable: true, configurable: true });
        else out[key] = values;
      }
      return out;
    });
    env.registerOperator(`${URL_TYPE} == ${URL_TYPE}`, (a: URLValue, b: URLValue) => a.celEquals(b));
  },
};
