import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may point. A webhook makes this service send requests on a client's behalf, so a
 * URL must never reach the service's own network (SSRF): only https, no credentials in the URL,
 * and the host — as written or as it resolves — must be a public address. In test mode (only),
 * http(s)://127.0.0.1 is allowed so that tests can run a local receiver.
 */

const IPV4_BLOCKED: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const IPV6_BLOCKED: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:10::', 28], // ORCHID
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const BLOCKED = (() => {
  const list = new BlockList();
  for (const [address, prefix] of IPV4_BLOCKED) {
    list.addSubnet(address, prefix, 'ipv4');
    // The same ranges written as IPv4-mapped and NAT64 IPv6 addresses.
    list.addSubnet(`::ffff:${address}`, 96 + prefix, 'ipv6');
    list.addSubnet(`64:ff9b::${address}`, 96 + prefix, 'ipv6');
  }
  for (const [address, prefix] of IPV6_BLOCKED) list.addSubnet(address, prefix, 'ipv6');
  return list;
})();

/** True for an IP address that is publicly routable (not loopback, private, link-local, unique-local, …). */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return !BLOCKED.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolver = (hostname: string) => Promise<string[]>;

/** Injection token for the resolver the URL policy uses (the system resolver unless replaced). */
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');

const RESOLVE_TIMEOUT_MS = 5_000;

/** All addresses a host name resolves to (A and AAAA), through the system resolver. */
export const systemResolver: Resolver = async (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`resolving ${hostname} timed out`)), RESOLVE_TIMEOUT_MS);
  });
  try {
    const results = await Promise.race([dns.lookup(hostname, { all: true, verbatim: true }), timeout]);
    return results.map((result) => result.address);
  } finally {
    clearTimeout(timer);
  }
};

export interface UrlPolicyOptions {
  /** NODE_ENV; only `test` allows the local test receiver on 127.0.0.1. */
  env: 'development' | 'test' | 'production';
  resolve?: Resolver;
}

/** detail is a predicate of the URL ("must use https"), read after "it" or "url" in messages. */
export type UrlVerdict = { allowed: true; url: URL } | { allowed: false; code: string; detail: string };

const refuse = (code: string, detail: string): UrlVerdict => ({ allowed: false, code, detail });

/** Decides whether a webhook may be registered at (or delivered to) a URL. */
export async function checkWebhookUrl(raw: string, options: UrlPolicyOptions): Promise<UrlVerdict> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('invalidUrl', 'must be an absolute URL');
  }
  if (url.username !== '' || url.password !== '') return refuse('credentialsInUrl', 'must not contain a user name or password');
  // The WHATWG parser has already normalised the host (e.g. 0x7f.1 → 127.0.0.1, upper case → lower case).
  const host = url.hostname.replace(/\.$/, '');
  const bareHost = host.replace(/^\[|\]$/g, '');
  if (options.env === 'test' && bareHost === '127.0.0.1' && (url.protocol === 'http:' || url.protocol === 'https:')) return { allowed: true, url };
  if (url.protocol !== 'https:') return refuse('httpsRequired', 'must use https');
  if (host === 'localhost' || host.endsWith('.localhost')) return refuse('privateAddress', 'must not point to the local host');
  if (isIP(bareHost) !== 0) {
    return isPublicAddress(bareHost) ? { allowed: true, url } : refuse('privateAddress', 'must not point to a loopback, private, link-local or unique-local address');
  }
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch {
    return refuse('unresolvable', `points to ${host}, a host name that does not resolve`);
  }
  if (addresses.length === 0) return refuse('unresolvable', `points to ${host}, a host name that does not resolve`);
  if (!addresses.every(isPublicAddress)) return refuse('privateAddress', `points to ${host}, which resolves to a loopback, private, link-local or unique-local address`);
  return { allowed: true, url };
}
