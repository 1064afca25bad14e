import { createHash, randomBytes } from "node:crypto";
import type { SubsonicApiHandler } from "@nd/host-services";
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
      return readBoundedText(response, MAX_ANSWER_BYTES);
    },
  };
}

async function readBoundedText(response: Response, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader!.cancel();
      throw new Error(`the Subsonic server's answer is larger than ${limit} bytes`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
