import { describe, expect, test } from "vitest";
import { localAddressCategory } from "../src/network/address-policy.js";

describe("localAddressCategory", () => {
  test.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a00:1", "private"],
    ["10.1.2.3", "private"],
    ["172.20.0.1", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["169.254.169.254", "cloud metadata"],
    ["100.100.100.200", "cloud metadata"],
    ["fd00:ec2::254", "cloud metadata"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fd12:3456::1", "unique-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["224.0.0.1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["::7f00:1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["64:ff9b::7f00:1", "loopback"],
    ["2002:c0a8:101::1", "private"],
  ])("%s is %s", (address, category) => {
    expect(localAddressCategory(address)).toBe(category);
  });

  test.each(["8.8.8.8", "1.1.1.1", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "172.32.0.1"])(
    "%s is public",
    (address) => {
      expect(localAddressCategory(address)).toBeUndefined();
    },
  );

  test("a host name is not an address", () => {
    expect(localAddressCategory("localhost")).toBeUndefined();
  });
});
