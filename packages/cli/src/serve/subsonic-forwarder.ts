import { createHash, randomBytes } from "node:crypto";
import type { SubsonicApiHandler } from "@nd/host-services";
import { readBoundedText } from "../bounded-text.js";
import type { SubsonicServerConfig } from "../config.js";

/** Same bound as the subsonicapi service's default: a larger answer is never read whole. */
const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

/**
 * The Subsonic API of `nd serve`: plugins' calls go to the configured server as
 * `<URL>/rest/<endpoint>`, authenticated with the configured user's password (Subsonic
 * token authentication: `t` = md5(password + salt), `s` = salt, a fresh salt per call).
 */
export function subsonicForwarder(server: SubsonicServerConfig): SubsonicApiHandler {
  const base = server.url.replace(/\/+$/, "");
  // Subsonic user names are not case-sensitive.
  const accountOf = (username: string) =>
    Object.entries(server.users).find(([name]) => name.toLowerCase() === username.toLowerCase())?.[1];
  return {
    async user(username) {
      const account = accountOf(username);
      return account && { isAdmin: account.admin };
    },
    async call({ endpoint, params, username, signal }) {
      const account = accountOf(username);
      if (!account) throw new Error(`nd serve has no password for Subsonic user ${JSON.stringify(username)} (add it under [Subsonic.Users])`);
      const salt = randomBytes(8).toString("hex");
      const query = new URLSearchParams(params);
      query.set("t", createHash("md5").update(account.password + salt).digest("hex"));
      query.set("s", salt);
      const response = await fetch(`${base}/rest/${endpoint}?${query}`, { signal, redirect: "error" });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`the Subsonic server answered HTTP ${response.status} to ${endpoint}`);
      }
      if (!response.body) return "";
      // Node's web streams are async iterable; the DOM typing of fetch's body does not say so.
      const body = response.body as unknown as AsyncIterable<Uint8Array>;
      return readBoundedText(body, MAX_ANSWER_BYTES, () => new Error(`the Subsonic server's answer is larger than ${MAX_ANSWER_BYTES} bytes`));
    },
  };
}
