// Kubernetes' IP and CIDR libraries (apiserver/pkg/cel/library/ip.go, cidr.go) over a port of Go's
// net/netip parsing (ParseAddr, ParsePrefix) and predicates. Addresses are 128-bit BigInts, with
// IPv4 kept distinct from IPv6 as netip does.
import type { Environment } from '@marcbachmann/cel-js';
import { chargeCall, traversalCost, registerNamespaceType } from '../cost.ts';
import type { CelLibrary } from '../environment.ts';
import type { CelComparable } from './equality.ts';

class AddrError extends Error {}

export class IPAddr implements CelComparable {
  constructor(
    /** IPv4 in the low 32 bits when family is 4. */
    readonly bits: bigint,
    readonly family: 4 | 6,
    readonly zone: string,
  ) {}

  celEquals(other: unknown): boolean {
    return other instanceof IPAddr && other.bits === this.bits && other.family === this.family && other.zone === this.zone;
  }

  /** IPv6 ::ffff:a.b.c.d */
  is4In6(): boolean {
    return this.family === 6 && this.bits >> 32n === 0xffffn;
  }

  /** netip Addr.String() */
  toString(): string {
    if (this.family === 4) return ipv4String(this.bits);
    const groups = Array.from({ length: 8 }, (_, i) => Number((this.bits >> BigInt((7 - i) * 16)) & 0xffffn));
    let text: string;
    if (this.is4In6()) text = `::ffff:${ipv4String(this.bits & 0xffffffffn)}`;
    else {
      // the longest run (≥ 2) of zero groups becomes "::" (the first one on a tie)
      let bestStart = -1;
      let bestLength = 0;
      for (let i = 0; i < 8; ) {
        if (groups[i] !== 0) {
          i++;
          continue;
        }
        let j = i;
        while (j < 8 && groups[j] === 0) j++;
        if (j - i > bestLength && j - i >= 2) {
          bestStart = i;
          bestLength = j - i;
        }
        i = j;
      }
      text = '';
      for (let i = 0; i < 8; i++) {
        if (i === bestStart) {
          text += '::';
          i += bestLength - 1;
          continue;
        }
        if (text !== '' && !text.endsWith(':')) text += ':';
        text += groups[i]!.toString(16);
      }
    }
    return this.zone === '' ? text : `${text}%${this.zone}`;
  }
}

function ipv4String(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join('.');
}

function parseIPv4(s: string): bigint {
  let value = 0n;
  let fields = 0;
  let field = -1;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = s[i];
    if (c !== undefined && c >= '0' && c <= '9') {
      if (digits === 1 && field === 0) throw new AddrError('IPv4 field has octet with leading zero');
      field = (field < 0 ? 0 : field) * 10 + (c.charCodeAt(0) - 48);
      digits++;
      if (field > 255) throw new AddrError('IPv4 field has value >255');
    } else if (c === '.' || c === undefined) {
      if (digits === 0) throw new AddrError('IPv4 field must have at least one digit');
      if (fields === 3 && c === '.') throw new AddrError('IPv4 address too long');
      value = (value << 8n) | BigInt(field);
      fields++;
      field = -1;
      digits = 0;
    } else {
      throw new AddrError(`unexpected character (at ${JSON.stringify(s.slice(i))})`);
    }
  }
  if (fields < 4) throw new AddrError('IPv4 address too short');
  return value;
}

function parseIPv6(input: string): IPAddr {
  let s = input;
  let zone = '';
  const percent = s.indexOf('%');
  if (percent >= 0) {
    zone = s.slice(percent + 1);
    s = s.slice(0, percent);
    if (zone === '') throw new AddrError('zone must be a non-empty string');
  }
  const groups: number[] = [];
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return new IPAddr(0n, 6, zone);
  }
  while (s.length > 0) {
    let i = 0;
    while (i < s.length && i < 5 && /[0-9a-fA-F]/.test(s[i]!)) i++;
    if (i === 0) throw new AddrError(`each colon-separated field must have at least one digit (at ${JSON.stringify(s)})`);
    if (i > 4) throw new AddrError(`IPv6 field has value >=2^16 (at ${JSON.stringify(s)})`);
    if (s[i] === '.') {
      if (ellipsis < 0 && groups.length !== 6) throw new AddrError(`embedded IPv4 address must replace the final 2 fields of the address (at ${JSON.stringify(s)})`);
      if (groups.length + 2 > 8) throw new AddrError(`too many hex fields to fit an embedded IPv4 at the end of the address (at ${JSON.stringify(s)})`);
      let v4: bigint;
      try {
        v4 = parseIPv4(s);
      } catch (error) {
        throw new AddrError(`${(error as Error).message} (at ${JSON.stringify(s)})`);
      }
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      s = '';
      break;
    }
    groups.push(parseInt(s.slice(0, i), 16));
    s = s.slice(i);
    if (s.length === 0) break;
    if (s[0] !== ':') throw new AddrError(`unexpected character, want colon (at ${JSON.stringify(s)})`);
    if (s.length === 1) throw new AddrError(`colon must be followed by more characters (at ${JSON.stringify(s)})`);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw new AddrError(`multiple :: in address (at ${JSON.stringify(s)})`);
      ellipsis = groups.length;
      s = s.slice(1);
      if (s.length === 0) break;
    }
    if (groups.length === 8) throw new AddrError(`trailing garbage after address (at ${JSON.stringify(s)})`);
  }
  if (groups.length < 8) {
    if (ellipsis < 0) throw new AddrError('address string too short');
    const missing = 8 - groups.length;
    groups.splice(ellipsis, 0, ...Array<number>(missing).fill(0));
  } else if (ellipsis >= 0) {
    throw new AddrError('the :: must expand to at least one field of zeros');
  }
  if (groups.length > 8) throw new AddrError('too many fields');
  const bits = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  return new IPAddr(bits, 6, zone);
}

/** netip.ParseAddr; throws Error with Go's message. */
export function parseAddr(s: string): IPAddr {
  try {
    for (const c of s) {
      if (c === '.') return new IPAddr(parseIPv4(s), 4, '');
      if (c === ':') return parseIPv6(s);
      if (c === '%') throw new AddrError('missing IPv6 address');
    }
    throw new AddrError('unable to parse IP');
  } catch (error) {
    if (error instanceof AddrError) throw new Error(`ParseAddr(${JSON.stringify(s)}): ${error.message}`);
    throw error;
  }
}

/** library/ip.go parseIPAddr: no zones, no IPv4-mapped IPv6. */
export function parseIP(raw: string): IPAddr {
  let addr: IPAddr;
  try {
    addr = parseAddr(raw);
  } catch (error) {
    throw new Error(`IP Address ${JSON.stringify(raw)} parse error during conversion from string: ${(error as Error).message}`);
  }
  if (addr.zone !== '') throw new Error(`IP address ${JSON.stringify(raw)} with zone value is not allowed`);
  if (addr.is4In6()) throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  return addr;
}

const width = (family: 4 | 6) => (family === 4 ? 32 : 128);
const mask = (family: 4 | 6, prefix: number) => ((1n << BigInt(width(family))) - 1n) ^ ((1n << BigInt(width(family) - prefix)) - 1n);

function inPrefix(bits: bigint, family: 4 | 6, network: bigint, prefix: number): boolean {
  return (bits & mask(family, prefix)) === (network & mask(family, prefix));
}

const isLoopback = (ip: IPAddr) => (ip.family === 4 ? inPrefix(ip.bits, 4, 0x7f000000n, 8) : ip.bits === 1n);
const isMulticast = (ip: IPAddr) => (ip.family === 4 ? inPrefix(ip.bits, 4, 0xe0000000n, 4) : inPrefix(ip.bits, 6, 0xffn << 120n, 8));
const isLinkLocalUnicast = (ip: IPAddr) =>
  ip.family === 4 ? inPrefix(ip.bits, 4, 0xa9fe0000n, 16) : inPrefix(ip.bits, 6, 0xfe80n << 112n, 10);
const isLinkLocalMulticast = (ip: IPAddr) =>
  ip.family === 4 ? inPrefix(ip.bits, 4, 0xe0000000n, 24) : ((ip.bits >> 112n) & 0xff0fn) === 0xff02n;
const isUnspecified = (ip: IPAddr) => ip.bits === 0n;

// netip Addr.IsGlobalUnicast (private IPv4 and ULA IPv6 count as global unicast)
function isGlobalUnicast(ip: IPAddr): boolean {
  if (ip.family === 4 && (ip.bits === 0n || ip.bits === 0xffffffffn)) return false;
  return !(ip.family === 6 && ip.bits === 0n) && !isLoopback(ip) && !isMulticast(ip) && !isLinkLocalUnicast(ip);
}

export class CIDRValue implements CelComparable {
  constructor(
    readonly addr: IPAddr,
    readonly prefix: number,
  ) {}

  celEquals(other: unknown): boolean {
    return other instanceof CIDRValue && other.prefix === this.prefix && this.addr.celEquals(other.addr);
  }

  masked(): CIDRValue {
    return new CIDRValue(new IPAddr(this.addr.bits & mask(this.addr.family, this.prefix), this.addr.family, ''), this.prefix);
  }

  containsIP(ip: IPAddr): boolean {
    return ip.family === this.addr.family && ip.zone === '' && inPrefix(ip.bits, ip.family, this.addr.bits, this.prefix);
  }

  // cidr.go: Masked() == PrefixFrom(other.Addr(), Bits()) — PrefixFrom does not mask, so the other
  // CIDR's address must equal this network address exactly (upstream behaviour, kept).
  containsCIDR(other: CIDRValue): boolean {
    const masked = this.masked();
    return masked.addr.celEquals(other.addr) && this.prefix <= other.prefix;
  }

  toString(): string {
    return `${this.addr.toString()}/${this.prefix}`;
  }
}

/** netip.ParsePrefix; throws Error with Go's message. */
export function parsePrefix(s: string): CIDRValue {
  const fail = (msg: string) => new Error(`netip.ParsePrefix(${JSON.stringify(s)}): ${msg}`);
  const slash = s.lastIndexOf('/');
  if (slash < 0) throw fail("no '/'");
  let addr: IPAddr;
  try {
    addr = parseAddr(s.slice(0, slash));
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (addr.family === 6 && addr.zone !== '') throw fail('IPv6 zones cannot be present in a prefix');
  const bitsText = s.slice(slash + 1);
  if ((bitsText.length > 1 && (bitsText[0]! < '1' || bitsText[0]! > '9')) || !/^[0-9]+$/.test(bitsText)) {
    throw fail(`bad bits after slash: ${JSON.stringify(bitsText)}`);
  }
  const bits = Number(bitsText);
  if (bits > width(addr.family)) throw fail('prefix length out of range');
  return new CIDRValue(addr, bits);
}

/** library/cidr.go parseCIDR */
export function parseCIDR(raw: string): CIDRValue {
  const prefix = (() => {
    try {
      return parsePrefix(raw);
    } catch (error) {
      throw new Error(`network address parse error during conversion from string: ${(error as Error).message}`);
    }
  })();
  if (prefix.addr.is4In6()) throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  return prefix;
}

function stringToCIDR(raw: string): CIDRValue {
  try {
    return parseCIDR(raw);
  } catch (error) {
    throw new Error(`network address parse error during conversion from string: ${(error as Error).message}`);
  }
}

function succeeds(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

class IPNamespace {}

const IP = 'net.IP';
const CIDR = 'net.CIDR';

export const ipLibrary: CelLibrary = {
  name: 'kubernetes.net.ip',
  install(env: Environment) {
    env.registerType(IP, IPAddr);
    const parseCost = (s: string) => chargeCall(traversalCost(s.length));
    env.registerFunction(`ip(string): ${IP}`, (s: string) => (parseCost(s), parseIP(s)));
    env.registerFunction('isIP(string): bool', (s: string) => (parseCost(s), succeeds(() => parseIP(s))));
    env.registerFunction(`string(${IP}): string`, (ip: IPAddr) => ip.toString());
    env.registerFunction(`${IP}.family(): int`, (ip: IPAddr) => BigInt(ip.family));
    env.registerFunction(`${IP}.isUnspecified(): bool`, isUnspecified);
    env.registerFunction(`${IP}.isLoopback(): bool`, isLoopback);
    env.registerFunction(`${IP}.isLinkLocalMulticast(): bool`, isLinkLocalMulticast);
    env.registerFunction(`${IP}.isLinkLocalUnicast(): bool`, isLinkLocalUnicast);
    env.registerFunction(`${IP}.isGlobalUnicast(): bool`, isGlobalUnicast);
    // `ip.isCanonical(s)` is a namespaced function; `ip` stays the conversion function too.
    env.registerType('IPNamespace', IPNamespace);
    registerNamespaceType('IPNamespace');
    env.registerConstant('ip', 'IPNamespace', new IPNamespace());
    env.registerFunction('IPNamespace.isCanonical(string): bool', (_ns: unknown, s: string) => {
      chargeCall(traversalCost(s.length * 2));
      return parseIP(s).toString() === s;
    });
    env.registerOperator(`${IP} == ${IP}`, (a: IPAddr, b: IPAddr) => a.celEquals(b));
  },
};

export const cidrLibrary: CelLibrary = {
  name: 'kubernetes.net.cidr',
  install(env: Environment) {
    env.registerType(CIDR, CIDRValue);
    env.registerFunction(`cidr(string): ${CIDR}`, (s: string) => (chargeCall(traversalCost(s.length)), stringToCIDR(s)));
    env.registerFunction('isCIDR(string): bool', (s: string) => (chargeCall(traversalCost(s.length)), succeeds(() => parseCIDR(s))));
    env.registerFunction(`string(${CIDR}): string`, (c: CIDRValue) => c.toString());
    // library/cost.go: comparing byte lists of the CIDR's actualSize — 1, as CIDR values are not
    // Sizers — plus parsing a string argument (upstream cost_test: +3 for containsCIDR, v4 and v6)
    const size = (_c: CIDRValue) => 1;
    const containsIPCost = (c: CIDRValue) => traversalCost(size(c) * 2);
    const containsCIDRCost = (c: CIDRValue) => traversalCost(size(c) * 2) + traversalCost(size(c)) + 1;
    env.registerFunction(`${CIDR}.containsIP(${IP}): bool`, (c: CIDRValue, ip: IPAddr) => (chargeCall(containsIPCost(c)), c.containsIP(ip)));
    env.registerFunction(`${CIDR}.containsIP(string): bool`, (c: CIDRValue, ip: string) => {
      chargeCall(containsIPCost(c) + traversalCost(ip.length));
      return c.containsIP(parseIP(ip));
    });
    env.registerFunction(`${CIDR}.containsCIDR(${CIDR}): bool`, (c: CIDRValue, other: CIDRValue) => (chargeCall(containsCIDRCost(c)), c.containsCIDR(other)));
    env.registerFunction(`${CIDR}.containsCIDR(string): bool`, (c: CIDRValue, other: string) => {
      chargeCall(containsCIDRCost(c) + traversalCost(other.length));
      return c.containsCIDR(stringToCIDR(other));
    });
    env.registerFunction(`${CIDR}.ip(): ${IP}`, (c: CIDRValue) => c.addr);
    env.registerFunction(`${CIDR}.masked(): ${CIDR}`, (c: CIDRValue) => c.masked());
    env.registerFunction(`${CIDR}.prefixLength(): int`, (c: CIDRValue) => BigInt(c.prefix));
    env.registerOperator(`${CIDR} == ${CIDR}`, (a: CIDRValue, b: CIDRValue) => a.celEquals(b));
    // `net.IP` and `net.CIDR` name the types, as in `type(cidr(s)) == net.CIDR`.
    const ipType = env.evaluate('type(ip("0.0.0.0"))');
    const cidrType = env.evaluate('type(cidr("0.0.0.0/0"))');
    env.registerConstant('net', 'map<string, type>', { IP: ipType, CIDR: cidrType });
  },
};
