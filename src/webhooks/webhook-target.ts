import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import net from 'node:net';

/**
 * Where a webhook may be delivered. A target that resolves to loopback, a private network, link-local, unique-local,
 * shared (carrier-grade NAT), documentation, benchmarking, multicast or reserved space would let a subscriber make
 * this server call inside the operator's network (SSRF), so it is refused unless the operator allows it
 * (WEBHOOK_ALLOW_PRIVATE_TARGETS). The check is made on every address the name resolves to, at subscription and
 * again at each delivery, inside the connection's own DNS lookup: the address checked is the address connected to.
 */

export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

const nonPublic = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
  ['5f00::', 16],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}
/** Global unicast IPv6 is 2000::/3; everything outside it (loopback, ::, fc00::/7, fe80::/10, ff00::/8) is not public. */
const globalUnicast = new net.BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** Whether an address is on the public internet; an IPv4-mapped or NAT64 IPv6 address is judged by its IPv4 part. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return !nonPublic.check(address, 'ipv4');
  if (family !== 6) return false;
  const embedded = embeddedIpv4(address);
  if (embedded) return isPublicAddress(embedded);
  return globalUnicast.check(address, 'ipv6') && !nonPublic.check(address, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or well-known NAT64 (64:ff9b::a.b.c.d) address. */
function embeddedIpv4(address: string): string | undefined {
  const mapped = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(
    address,
  );
  if (!mapped) return undefined;
  if (mapped[1]) return mapped[1];
  const high = Number.parseInt(mapped[2]!, 16);
  const low = Number.parseInt(mapped[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export interface TargetPolicy {
  allowPrivateTargets: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

function describe(host: string, address: string): string {
  return host === address
    ? `${address} is not a public address`
    : `${host} resolves to ${address}, which is not a public address`;
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Resolves a host and checks every address it resolves to; answers them all, or throws a TargetRefusedError
 * naming the first that is not public (or saying that the name does not resolve).
 */
export async function resolveTarget(host: string, policy: TargetPolicy): Promise<ResolvedAddress[]> {
  const literal = net.isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal as 4 | 6 }];
  } else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((entry) => ({
        address: entry.address,
        family: entry.family as 4 | 6,
      }));
    } catch {
      throw new TargetRefusedError(`${host} does not resolve`);
    }
    if (addresses.length === 0) throw new TargetRefusedError(`${host} does not resolve`);
  }
  if (!policy.allowPrivateTargets) {
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) throw new TargetRefusedError(describe(host, refused.address));
  }
  return addresses;
}

/**
 * A `lookup` for node's http/https requests that resolves the name, checks every address, and hands the socket
 * only the addresses it checked: no second resolution can slip another address in between (DNS rebinding).
 */
export function checkedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveTarget(hostname, policy).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = wanted ? addresses.filter((entry) => entry.family === wanted) : addresses;
        if (usable.length === 0) {
          callback(new TargetRefusedError(`${hostname} has no IPv${wanted} address`), '', 0);
        } else if (options.all) {
          (callback as unknown as (error: null, addresses: ResolvedAddress[]) => void)(null, usable);
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}
