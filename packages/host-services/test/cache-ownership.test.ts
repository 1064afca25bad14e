// A plugin's cache belongs to its name: a reload (new services opened before the old close)
// keeps it, removal (the last services closed) frees it, and other plugins never share it.
import { afterEach, expect, test } from "vitest";
import { createHostServices, type HostServices } from "../src/index.js";

const hosts: HostServices[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

function host(): HostServices {
  const services = createHostServices();
  hosts.push(services);
  return services;
}

const withCache = (name: string) => ({ name, permissions: { cache: {} }, config: {} });

test("a reload keeps the plugin's cache: the new version sees what the old one stored", async () => {
  const services = host();
  const old = services.forPlugin(withCache("p"));
  await old.cache!.setString({ key: "k", value: "v" });
  const next = services.forPlugin(withCache("p"));
  await old.close();
  expect(await next.cache!.getString({ key: "k" })).toEqual({ exists: true, value: "v" });
});

test("closing the last services of a plugin frees its cache; loading it again starts empty", async () => {
  const services = host();
  const removed = services.forPlugin(withCache("p"));
  await removed.cache!.setString({ key: "k", value: "v" });
  await removed.close();
  const again = services.forPlugin(withCache("p"));
  expect(await again.cache!.getString({ key: "k" })).toEqual({ exists: false, value: "" });
});

test("removing one plugin leaves another plugin's cache untouched", async () => {
  const services = host();
  const kept = services.forPlugin(withCache("kept"));
  await kept.cache!.setString({ key: "k", value: "kept" });
  const removed = services.forPlugin(withCache("removed"));
  await removed.cache!.setString({ key: "k", value: "removed" });
  await removed.close();
  expect(await kept.cache!.getString({ key: "k" })).toEqual({ exists: true, value: "kept" });
});

test("a new version without the cache permission lets the cache go when the old version closes", async () => {
  const services = host();
  const old = services.forPlugin(withCache("p"));
  await old.cache!.setString({ key: "k", value: "v" });
  const next = services.forPlugin({ name: "p", permissions: {}, config: {} });
  await old.close();
  expect(next.cache).toBeUndefined();
  expect(await services.forPlugin(withCache("p")).cache!.getString({ key: "k" })).toEqual({ exists: false, value: "" });
});
