import type { LookupFunction } from "node:net";
import { NetworkRefusedError } from "../errors.js";
import { localAddressCategory } from "./address-policy.js";
import { nodeDns } from "../node-builtins.js";

/** A resolved address, as `dns.lookup(name, { all: true })` answers. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has. Defaults to the system resolver (`dns.lookup`). */
export type DnsLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemDnsLookup: DnsLookup = (hostname) => nodeDns().lookup(hostname, { all: true, verbatim: true });

export function localNetworkRefusal(target: string, address: string, category: string): NetworkRefusedError {
  const via = target === address ? "" : ` resolves to ${address}, which`;
  return new NetworkRefusedError(
    `${target}${via} is a ${category} address; local network access needs "allowLocalNetwork": true in the permission`,
  );
}

/**
 * Resolves `hostname` and, unless local networks are allowed, refuses it when ANY of its addresses
 * is local: a name mixing public and private answers is refused as a whole.
 */
export async function resolveChecked(
  hostname: string,
  allowLocalNetwork: boolean,
  dnsLookup: DnsLookup,
): Promise<ResolvedAddress[]> {
  const addresses = await dnsLookup(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} did not resolve to any address`);
  if (!allowLocalNetwork) {
    for (const { address } of addresses) {
      const category = localAddressCategory(address);
      if (category) throw localNetworkRefusal(hostname, address, category);
    }
  }
  return addresses;
}

/**
 * A `lookup` for `net.connect` (used by undici and ws): the check runs on the addresses the socket
 * will actually connect to, so DNS tricks cannot slip a local address past an earlier check.
 */
export function createCheckedLookup(allowLocalNetwork: boolean, dnsLookup: DnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, allowLocalNetwork, dnsLookup).then(
      (resolved) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = wanted ? resolved.filter((entry) => entry.family === wanted) : resolved;
        const first = addresses[0];
        if (!first) {
          callback(new Error(`${hostname} has no IPv${wanted} address`), "", 0);
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
