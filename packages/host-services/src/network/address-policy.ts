import type { BlockList } from "node:net";
import { nodeNet } from "../node-builtins.js";

interface AddressCategory {
  readonly label: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

// Checked in order, so the most specific label names a refused address.
const LOCAL_CATEGORIES: readonly AddressCategory[] = [
  {
    label: "cloud metadata",
    ipv4: ["169.254.169.254/32", "100.100.100.200/32", "192.0.0.192/32"],
    ipv6: ["fd00:ec2::254/128"],
  },
  { label: "unspecified", ipv4: ["0.0.0.0/8"], ipv6: ["::/128"] },
  { label: "loopback", ipv4: ["127.0.0.0/8"], ipv6: ["::1/128"] },
  { label: "private", ipv4: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], ipv6: [] },
  { label: "carrier-grade NAT", ipv4: ["100.64.0.0/10"], ipv6: [] },
  { label: "link-local", ipv4: ["169.254.0.0/16"], ipv6: ["fe80::/10"] },
  { label: "unique-local", ipv4: [], ipv6: ["fc00::/7"] },
  { label: "site-local", ipv4: [], ipv6: ["fec0::/10"] },
  { label: "multicast", ipv4: ["224.0.0.0/4"], ipv6: ["ff00::/8"] },
  {
    label: "reserved",
    ipv4: ["240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15"],
    // ::/96 holds the deprecated IPv4-compatible forms; 64:ff9b:1::/48 is local-use NAT64.
    ipv6: ["::/96", "64:ff9b:1::/48"],
  },
];

const hex16 = (high: number, low: number): string => ((high << 8) | low).toString(16);

/**
 * IPv6 spellings that reach an IPv4 address: NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 * IPv4-mapped addresses (::ffff:a.b.c.d) need no entry: BlockList matches them against IPv4 rules.
 */
function embeddedIpv6Subnets(ipv4Subnet: string): string[] {
  const [address = "", prefixText = "32"] = ipv4Subnet.split("/");
  const [a = 0, b = 0, c = 0, d = 0] = address.split(".").map(Number);
  const prefix = Number(prefixText);
  return [
    `64:ff9b::${hex16(a, b)}:${hex16(c, d)}/${96 + prefix}`,
    `2002:${hex16(a, b)}:${hex16(c, d)}::/${16 + prefix}`,
  ];
}

function addSubnet(list: BlockList, subnet: string, family: "ipv4" | "ipv6"): void {
  const [network = "", prefix = ""] = subnet.split("/");
  list.addSubnet(network, Number(prefix), family);
}

/** Built on the first check, so a host whose plugins never reach the network never loads node:net. */
let categoryLists: { label: string; list: BlockList }[] | undefined;
const categoryListsBuilt = () => (categoryLists ??= LOCAL_CATEGORIES.map((category) => {
  const list = new (nodeNet().BlockList)();
  for (const subnet of category.ipv4) {
    addSubnet(list, subnet, "ipv4");
    for (const embedded of embeddedIpv6Subnets(subnet)) addSubnet(list, embedded, "ipv6");
  }
  for (const subnet of category.ipv6) addSubnet(list, subnet, "ipv6");
  return { label: category.label, list };
}));

/**
 * Names the local-network category of an IP address ("loopback", "private", "cloud metadata", ...),
 * or answers undefined for a public address. Accepts IPv6 with or without brackets.
 */
export function localAddressCategory(address: string): string | undefined {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const version = nodeNet().isIP(bare);
  if (version === 0) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  return categoryListsBuilt().find(({ list }) => list.check(bare, family))?.label;
}
