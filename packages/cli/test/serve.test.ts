import { cpSync, existsSync, realpathSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startServer, type RunningServer } from "@nd/cli";
import { parseConfig } from "@nd/cli";
import { afterEach, describe, expect, test } from "vitest";
import { biographyPlugin, nd, packageFile, pluginFolder, silent, workspace } from "./support/nd.js";
import { stringField1, watPlugin } from "./support/wat.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});


async function serve(folder: string, toml = "") {
  const config = parseConfig(toml, join(folder, "..", "nd.toml"));
  const server = await startServer({ folder, config, port: 0, logger: silent, workers: 1, pollIntervalMs: 200 });
  servers.push(server);
  return server;
}

async function request(server: RunningServer, path: string, body?: string) {
  const response = await fetch(server.url + path, body === undefined ? {} : { method: "POST", body, headers: { "content-type": "application/json" } });
  return { status: response.status, body: await response.json() };
}

/** Polls until `check` passes; the test's own timeout bounds the wait. */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await check();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const notFound = { name: "a-none", answers: { metadata_agent_get_artist_biography: { error: "plugin:not_found" } } };

async function installAll(folder: string, dir: string, specs: Parameters<typeof packageFile>[1][]) {
  for (const spec of specs) expect((await nd(["plugin", "install", await packageFile(dir, spec), "--folder", folder])).code).toBe(0);
}

describe("nd serve", () => {
  test("GET /api/plugins lists plugins with state and per-method metrics", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await installAll(folder, dir, [biographyPlugin("b-bio", "from b")]);
    const server = await serve(folder);
    await request(server, "/api/plugins/b-bio/call/MetadataAgent.GetArtistBiography", "{}");
    const { status, body } = await request(server, "/api/plugins");
    expect(status).toBe(200);
    expect(body).toEqual([
      expect.objectContaining({
        name: "b-bio",
        state: "loaded",
        metrics: expect.arrayContaining([expect.objectContaining({ method: "MetadataAgent.GetArtistBiography", calls: 1, errors: 0 })]),
      }),
    ]);
  });

  test("POST /api/plugins/<name>/call answers JSON, and errors as JSON with kind and status", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const spec = { ...biographyPlugin("b-bio", "from b"), answers: { ...biographyPlugin("b-bio", "from b").answers, metadata_agent_get_artist_url: { error: "upstream down" } } };
    await installAll(folder, dir, [spec]);
    const server = await serve(folder);
    const call = (target: string, body = "{}", name = "b-bio") => request(server, `/api/plugins/${name}/call/${target}`, body);
    expect(await call("MetadataAgent.GetArtistBiography", '{"name":"x"}')).toEqual({ status: 200, body: { biography: "from b" } });
    expect(await call("MetadataAgent.GetArtistURL")).toMatchObject({ status: 502, body: { error: { kind: "PluginCallError", message: expect.stringContaining("upstream down") } } });
    expect(await call("MetadataAgent.GetAlbumInfo")).toMatchObject({ status: 501, body: { error: { kind: "PluginNotImplementedError" } } });
    expect(await call("MetadataAgent.GetArtistBiography", "{}", "nobody")).toMatchObject({ status: 404, body: { error: { kind: "PluginUnavailableError" } } });
    expect(await call("MetadataAgent.GetArtistBiography", "{oops")).toMatchObject({ status: 400, body: { error: { kind: "BadRequest" } } });
    expect(await call("Nope.Nope")).toMatchObject({ status: 404, body: { error: { kind: "NoSuchMethod" } } });
    expect(await call("MetadataAgent.GetArtistBiography", '{"nmae":"x"}')).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('no field "nmae"') } } });
    expect(await call("MetadataAgent.GetArtistBiography", "{}", "%E0%A4%A")).toMatchObject({ status: 400 });
    expect(await request(server, "/api/plugins/b-bio/call/MetadataAgent.GetArtistBiography")).toMatchObject({ status: 405 });
    expect(await request(server, "/elsewhere")).toMatchObject({ status: 404, body: { error: { kind: "NoSuchRoute" } } });
  });

  test("GET /api/artist asks agents in the configured order, then by name; the first answer wins", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await installAll(folder, dir, [notFound, biographyPlugin("b-bio", "from b"), biographyPlugin("c-bio", "from c")]);
    const byName = await serve(folder);
    expect((await request(byName, "/api/artist?name=Nina")).body.biography).toEqual({ plugin: "b-bio", value: "from b" });
    const ordered = await serve(folder, `[Plugins]\nAgents = "c-bio,b-bio"\n`);
    const { status, body } = await request(ordered, "/api/artist?name=Nina");
    expect(status).toBe(200);
    expect(body.biography).toEqual({ plugin: "c-bio", value: "from c" });
    expect(body.url).toBeUndefined();
    expect(await request(ordered, "/api/artist")).toMatchObject({ status: 400 });
  });

  test("POST /api/scrobble fans out to every authorized Scrobbler", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const scrobbler = (name: string, authorized: boolean) => ({
      name,
      capabilities: ["Scrobbler"],
      prefixes: ["scrobbler_"],
      answers: {
        scrobbler_is_authorized: authorized ? Uint8Array.from([0x08, 0x01]) : new Uint8Array(0),
        scrobbler_scrobble: new Uint8Array(0),
      },
    });
    await installAll(folder, dir, [scrobbler("s-yes", true), scrobbler("s-no", false), biographyPlugin("b-bio", "x")]);
    const server = await serve(folder);
    const { status, body } = await request(server, "/api/scrobble", JSON.stringify({ username: "me", track: { name: "Song" }, timestamp: "1700000000" }));
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { plugin: "s-no", status: "not-authorized" },
      { plugin: "s-yes", status: "sent" },
    ]);
    const plugins = (await request(server, "/api/plugins")).body as { name: string; metrics: { method: string; calls: number }[] }[];
    expect(plugins.find((p) => p.name === "s-yes")!.metrics).toEqual(expect.arrayContaining([expect.objectContaining({ method: "Scrobbler.Scrobble", calls: 1 })]));
  });

  test("nd plugin refresh makes a running server serve the new version", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const source = pluginFolder(join(dir, "src"), biographyPlugin("live", "one"));
    // Same size and the same whole-second modification time before and after: only the refresh can tell the server.
    const wasmPath = join(source, "plugin.wasm");
    const fixedTime = 1_700_000_000;
    utimesSync(wasmPath, fixedTime, fixedTime);
    await nd(["plugin", "dev", source, "--folder", folder]);
    const server = await serve(folder);
    const bio = async () => (await request(server, "/api/plugins/live/call/MetadataAgent.GetArtistBiography", "{}")).body;
    expect(await bio()).toEqual({ biography: "one" });

    writeFileSync(wasmPath, watPlugin(biographyPlugin("live", "two")));
    utimesSync(wasmPath, fixedTime, fixedTime);
    expect(await nd(["plugin", "refresh", "live", "--folder", folder])).toMatchObject({ code: 0 });
    await eventually(async () => expect(await bio()).toEqual({ biography: "two" }));
  });

  test("a refresh of a plugin that no longer loads fails and leaves no marker", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const source = pluginFolder(join(dir, "src"), biographyPlugin("live", "one"));
    await nd(["plugin", "dev", source, "--folder", folder]);
    writeFileSync(join(source, "plugin.wasm"), "not wasm");
    const refresh = await nd(["plugin", "refresh", "live", "--folder", folder]);
    expect(refresh.code).toBe(1);
    expect(refresh.stderr).toMatch(/^nd: plugin "live" does not load: /);
    // It names the user's file, not the temporary folder the check ran in.
    expect(refresh.stderr).toContain(`${realpathSync(join(source, "plugin.wasm"))}: not a valid WebAssembly module`);
    expect(existsSync(join(folder, ".nd-refresh"))).toBe(false);
  });

  test("a plugin that breaks on disk while the server runs keeps serving its working version", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const source = pluginFolder(join(dir, "src"), biographyPlugin("live", "one"));
    await nd(["plugin", "dev", source, "--folder", folder]);
    const server = await serve(folder);
    writeFileSync(join(source, "plugin.wasm"), "not wasm");
    const live = async () => ((await request(server, "/api/plugins")).body as { name: string; state: string; error?: unknown }[])[0];
    await eventually(async () => expect(await live()).toMatchObject({ name: "live", state: "loaded", error: { kind: "PluginLoadError" } }));
    const bio = await request(server, "/api/plugins/live/call/MetadataAgent.GetArtistBiography", "{}");
    expect(bio.body).toEqual({ biography: "one" });
  });

  test("a port in use is a one-line failure", async () => {
    const dir = workspace();
    const first = await serve(join(dir, "plugins"));
    const second = await nd(["serve", "--port", String(first.port), "--folder", join(dir, "plugins")]);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`nd: port ${first.port} on 127.0.0.1 is taken by another program; choose another with --port (--port 0: any free port)\n`);
  });

  test("with [Plugins] Enabled = false the server loads no plugin", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await installAll(folder, dir, [biographyPlugin("b-bio", "from b")]);
    const server = await serve(folder, "[Plugins]\nEnabled = false\n");
    expect(await request(server, "/api/plugins")).toEqual({ status: 200, body: [] });
  });

  test("nd plugin update while the server runs serves the new version", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await installAll(folder, dir, [biographyPlugin("b-bio", "one", "1.0.0")]);
    const server = await serve(folder);
    const update = await nd(["plugin", "update", await packageFile(dir, biographyPlugin("b-bio", "two", "2.0.0")), "--folder", folder]);
    expect(update.code).toBe(0);
    await eventually(async () => {
      const { body } = await request(server, "/api/plugins/b-bio/call/MetadataAgent.GetArtistBiography", "{}");
      expect(body).toEqual({ biography: "two" });
    });
    expect(server.plugins()[0]?.manifest?.version).toBe("2.0.0");
  });

  test("a plugin installed while the server runs is loaded, one removed is gone", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await installAll(folder, dir, [biographyPlugin("b-bio", "from b")]);
    const server = await serve(folder);
    await installAll(folder, dir, [biographyPlugin("c-bio", "from c")]);
    await eventually(async () => expect(server.plugins().map((p) => p.name)).toEqual(["b-bio", "c-bio"]));
    await nd(["plugin", "remove", "b-bio", "--folder", folder]);
    await eventually(async () => expect(server.plugins().map((p) => p.name)).toEqual(["c-bio"]));
    expect((await request(server, "/api/plugins/c-bio/call/MetadataAgent.GetArtistBiography", "{}")).body).toEqual({ biography: "from c" });
  });

  test("close finishes running calls, then stops accepting", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    // The plugin's call waits on an upstream the test holds, so close() surely starts mid-call.
    let release!: () => void;
    let reached!: () => void;
    const upstreamReached = new Promise<void>((resolve) => (reached = resolve));
    const upstream = createServer((_request, response) => {
      reached();
      release = () => response.end("done");
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/slow`;
    const httpRequest = Uint8Array.from([0x0a, url.length, ...new TextEncoder().encode(url)]);
    const waiting = {
      name: "waiting",
      permissions: { http: { allowLocalNetwork: true } },
      imports: `(import "env" "get" (func $get (param i32 i32) (result i64)))`,
      answers: { unused_request_bytes: httpRequest },
      body: `(func (export "metadata_agent_get_artist_biography") (param i32 i32) (result i64)
        (drop (call $get (i32.const 256) (i32.const ${httpRequest.length})))
        (call $pack (i32.const 0) (i32.const 0)))`,
    };
    await installAll(folder, dir, [waiting]);
    const server = await startServer({ folder, port: 0, logger: silent, workers: 1 });
    try {
      const running = request(server, "/api/plugins/waiting/call/MetadataAgent.GetArtistBiography", "{}");
      await upstreamReached;
      const closing = server.close();
      let closed = false;
      void closing.then(() => (closed = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBe(false);
      release();
      expect(await running).toEqual({ status: 200, body: {} });
      await closing;
      await expect(fetch(`${server.url}/api/plugins`)).rejects.toThrow();
    } finally {
      upstream.closeAllConnections();
      upstream.close();
    }
  });

  test("close ends a runaway call after the grace period instead of waiting for its deadline", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    // The plugin tells the upstream it started, then loops until something ends it.
    let reached!: () => void;
    const upstreamReached = new Promise<void>((resolve) => (reached = resolve));
    const upstream = createServer((_request, response) => {
      reached();
      response.end("go on");
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/started`;
    const httpRequest = Uint8Array.from([0x0a, url.length, ...new TextEncoder().encode(url)]);
    const runaway = {
      name: "runaway",
      permissions: { http: { allowLocalNetwork: true } },
      imports: `(import "env" "get" (func $get (param i32 i32) (result i64)))`,
      answers: { unused_request_bytes: httpRequest },
      body: `(func (export "metadata_agent_get_artist_biography") (param i32 i32) (result i64)
        (drop (call $get (i32.const 256) (i32.const ${httpRequest.length})))
        (loop $forever (br $forever))
        (i64.const 0))`,
    };
    await installAll(folder, dir, [runaway]);
    const server = await startServer({ folder, port: 0, logger: silent, workers: 1 });
    try {
      const running = request(server, "/api/plugins/runaway/call/MetadataAgent.GetArtistBiography", "{}");
      await upstreamReached;
      let deadline: NodeJS.Timeout | undefined;
      const deadlinePassed = new Promise<string>((resolve) => (deadline = setTimeout(() => resolve("deadline"), 30_000)));
      // Whether the client reads the answer before or after close() settles is up to the sockets;
      // what matters is that close() did not wait for the call's deadline and the call was answered.
      const first = await Promise.race([server.close().then(() => "closed"), deadlinePassed]);
      clearTimeout(deadline);
      expect(first).toBe("closed");
      expect(await running).toMatchObject({ status: 404, body: { error: { kind: "PluginUnavailableError" } } });
      expect((await running).body.error.message).toContain("the plugin manager is closed");
    } finally {
      upstream.close();
    }
  }, 20_000);

  test("nd serve runs in-process until asked to stop, logging one JSON line per plugin with time, level and fields", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await installAll(folder, dir, [biographyPlugin("b-bio", "from b")]);
    cpSync(join(folder, "b-bio"), join(folder, "broken"), { recursive: true });
    writeFileSync(join(folder, "broken", "plugin.wasm"), "not wasm");
    let stderr = "";
    let stop!: () => void;
    const { runCli } = await import("@nd/cli");
    const exit = runCli(["serve", "--port", "0", "--folder", folder], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: { XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "" },
      cwd: dir,
      waitForStop: () => new Promise<void>((resolve) => (stop = resolve)),
    });
    await eventually(async () => expect(stderr).toMatch(/listening on (http:\/\/\S+)/));
    const url = /listening on (http:\/\/\S+)/.exec(stderr)![1]!;
    const lines = stderr.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual({ level: 30, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), plugin: "b-bio", folder: join(folder, "b-bio"), msg: "plugin b-bio 1.0.0 loaded" });
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, folder: join(folder, "broken"), msg: expect.stringMatching(/^plugin \S+ failed: /) }));
    expect((await fetch(`${url}/api/plugins`)).status).toBe(200);
    stop();
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/"msg":"stopped"}\n$/);
    expect(existsSync(folder)).toBe(true);
  });
});
