import { afterEach, describe, expect, test } from "vitest";
import type { PluginAccess } from "../src/index.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";
import { testUsers } from "./support/gen2-providers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(cleanups.splice(0).map((cleanup) => cleanup())));

function usersPlugin(users: PluginAccess["users"], provider = testUsers) {
  const plugin = gen2PluginWith({ users: {} }, { users: provider }, { access: { users, libraries: [], writeAccess: false } });
  cleanups.push(plugin.close);
  return plugin.services;
}

describe("generation-2 users service", () => {
  test("getusers answers the users in scope, without ids; isAdmin false is kept", async () => {
    expect(await callJson(usersPlugin(["u1", "u3"]), "users_getusers")).toEqual({
      result: [
        { userName: "alice", name: "Alice", isAdmin: false },
        { userName: "carol", name: "Carol", isAdmin: true },
      ],
    });
    expect((await callJson(usersPlugin("all"), "users_getusers")).result).toHaveLength(3);
  });

  test("getadmins is that list filtered to admins", async () => {
    expect(await callJson(usersPlugin(["u1", "u3"]), "users_getadmins")).toEqual({
      result: [{ userName: "carol", name: "Carol", isAdmin: true }],
    });
  });

  test("no scope, or no users provider, answers an empty result (omitted)", async () => {
    expect(await callJson(usersPlugin([]), "users_getusers")).toEqual({});
    const plugin = gen2PluginWith({ users: {} }, {}, { access: { users: "all", libraries: [], writeAccess: false } });
    cleanups.push(plugin.close);
    expect(await callJson(plugin.services, "users_getusers")).toEqual({});
  });

  test("a provider failure is the error envelope", async () => {
    const failing = { listUsers: async () => Promise.reject(new Error("database is locked")) };
    expect(await callJson(usersPlugin("all", failing), "users_getusers")).toEqual({ error: "database is locked" });
  });
});
