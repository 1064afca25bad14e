// Drives a generation-2 AssemblyScript plugin (test/assembly/gen2-contract-plugin.ts),
// compiled against assembly/gen2/, through a tiny Extism kernel: JSON in, JSON out,
// return codes, errors, and host calls of extism:host/user.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadGen2Schemas } from "../scripts/gen2/schemas.mjs";
import { gen2 } from "../src/index.js";
import { Gen2Compiler, packageDir } from "./support/compile-gen2.js";
import { TestKernel } from "./support/extism-kernel.js";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const compiler = new Gen2Compiler();
let module: WebAssembly.Module;
let kernel: TestKernel;

beforeAll(async () => {
  module = await compiler.compile(join(packageDir, "test", "assembly", "gen2-contract-plugin.ts"));
}, 120_000);

afterAll(() => compiler.dispose());

beforeEach(() => {
  kernel = new TestKernel();
});

const track = {
  id: "t1", title: "Jóga \"live\"", album: "Homogenic", artist: "Björk", albumArtist: "Björk",
  artists: [{ name: "Björk" }], albumArtists: [], duration: 305.5, trackNumber: 3, discNumber: 1,
};

describe("module shape", () => {
  test("exports every function of the capabilities it re-exports, and imports nothing from env", () => {
    const exported = WebAssembly.Module.exports(module).map((e) => e.name);
    const expected = ["MetadataAgent", "Scrobbler", "SonicSimilarity", "TaskWorker"] as const;
    expect(gen2.detectCapabilities(exported)).toEqual(expected);
    for (const capability of expected) {
      for (const exportName of Object.values(gen2.CAPABILITIES[capability])) expect(exported).toContain(exportName);
    }
    expect(exported).toContain("_initialize");
    const modules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
    expect([...modules].sort()).toEqual([gen2.KERNEL_MODULE, gen2.USER_MODULE]);
  });

  test("imports only the host functions it calls", () => {
    const user = WebAssembly.Module.imports(module).filter((i) => i.module === gen2.USER_MODULE).map((i) => i.name);
    expect(user.sort()).toEqual(["kvstore_set", "matcher_matchsongs", "users_getusers"]);
  });
});

describe("answers", () => {
  test("a JSON object in, a JSON object out, escapes and non-ASCII intact", () => {
    const result = kernel.call(module, "nd_get_artist_biography", { id: "a1", name: "Björk \"<&>\" ✓", mbid: "87c5" });
    expect(result).toEqual({ rc: 0, output: expect.any(String), error: null });
    expect(result.output).toContain("\\u003c\\u0026\\u003e");
    expect(JSON.parse(result.output)).toEqual({ biography: "bio of Björk \"<&>\" ✓ (87c5)" });
  });

  test("keys match case-insensitively, as Go decodes them; unknown keys are ignored", () => {
    expect(kernel.call(module, "nd_scrobbler_is_authorized", { UserName: "alice", extra: [1, { a: null }] }).output).toBe("true");
    expect(kernel.call(module, "nd_scrobbler_is_authorized", { username: "bob" }).output).toBe("false");
  });

  test("omitempty fields are left out; required ones are written even when empty", () => {
    const { output } = kernel.call(module, "nd_get_similar_artists", { id: "", name: "Low", limit: 2 });
    expect(output).toBe('{"artists":[{"name":"Low 0"},{"id":"id-1","name":"Low 1"}]}');
    expect(kernel.call(module, "nd_get_similar_artists", { id: "", name: "Low", limit: 0 }).output).toBe('{"artists":[]}');
  });

  test("numbers keep their width: uint32, float32 and float64", () => {
    const song = { name: "s", durationMs: 4_294_967_295, duration: 305.4, artists: [] };
    const { output } = kernel.call(module, "nd_get_sonic_similar_tracks", { song, count: 3 });
    expect(JSON.parse(output)).toEqual({
      matches: [0, 0.5, 1].map((similarity) => ({ song: { name: "s", durationMs: 4_294_967_295, duration: 305.4 }, similarity })),
    });
    expect(output).toContain('"duration":305.4,'); // float32's shortest digits, not 305.3999938964844
  });

  test("a bare string answer, from a base64 payload", () => {
    const payload = Buffer.from("héllo").toString("base64");
    const result = kernel.call(module, "nd_task_execute", { queueName: "q", taskId: "t", payload, attempt: 1 });
    expect(result).toEqual({ rc: 0, output: '"ran héllo in q"', error: null });
  });

  test("an error is set with rc -1", () => {
    expect(kernel.call(module, "nd_get_artist_biography", { id: "", name: "" })).toEqual({ rc: -1, output: "", error: "no name" });
    const payload = Buffer.from("fail").toString("base64");
    expect(kernel.call(module, "nd_task_execute", { payload, attempt: 2 }).error).toBe("failed on attempt 2");
  });

  test("a method the plugin does not override answers -2 without an error", () => {
    for (const exportName of ["nd_get_album_info", "nd_scrobbler_now_playing", "nd_get_similar_songs_by_artist"]) {
      expect(kernel.call(module, exportName, { name: "x" })).toEqual({ rc: gen2.RETURN_CODES.notImplemented, output: "", error: null });
    }
  });

  test("escapes: \\u sequences and surrogate pairs in, control characters escaped out", () => {
    const result = kernel.call(module, "nd_get_artist_biography", '{"id":"","name":"a\\u0001\\ud83d\\ude00😀\\/\\t"}');
    expect(result.output).toBe('{"biography":"bio of a\\u0001😀😀/\\t ()"}');
  });

  test("nesting deeper than 64 levels is refused, 64 is read", () => {
    const nested = (depth: number) => `{"id":"","name":"n","x":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
    expect(kernel.call(module, "nd_get_artist_biography", nested(64)).rc).toBe(0);
    expect(kernel.call(module, "nd_get_artist_biography", nested(65)).error).toBe("nd_get_artist_biography: the input is not JSON");
  });

  test("input that is not JSON is an error naming the export", () => {
    for (const input of ["{", '{"name": "x",}', '"unterminated', "[1, 2", "nul", '{"limit": 1-2}', '{"limit": 01}', '{"limit": 1.}', '{"limit": .5}', "{} {}"]) {
      expect(kernel.call(module, "nd_get_artist_biography", input)).toEqual({
        rc: -1,
        output: "",
        error: "nd_get_artist_biography: the input is not JSON",
      });
    }
  });
});

describe("host calls", () => {
  test("a request goes out as JSON (bytes in base64, int64 exact), {} answers success, nothing is output", () => {
    kernel.userFunctions.set("kvstore_set", () => ({}));
    const timestamp = "9007199254740993"; // 2^53 + 1: a double would round it
    const input = `{"username":"alice","track":${JSON.stringify(track)},"timestamp":${timestamp}}`;
    expect(kernel.call(module, "nd_scrobbler_scrobble", input)).toEqual({ rc: 0, output: "", error: null });
    expect(kernel.hostCalls).toHaveLength(1);
    const { name, request } = kernel.hostCalls[0]!;
    expect(name).toBe("kvstore_set");
    expect(request).toEqual({ key: "last:alice", value: Buffer.from(`Jóga "live"|${timestamp}`).toString("base64") });
  });

  test("an {error} answer becomes the Result's error, prefixed with the function", () => {
    kernel.userFunctions.set("kvstore_set", () => ({ error: "storage limit exceeded" }));
    const result = kernel.call(module, "nd_scrobbler_scrobble", { username: "a", track, timestamp: 1 });
    expect(result).toEqual({ rc: -1, output: "", error: "scrobbler(retry_later) kvstore_set: storage limit exceeded" });
  });

  test("functions without parameters send {}; null slots of an array stay null", () => {
    kernel.userFunctions.set("users_getusers", () => ({ result: [{ userName: "alice", name: "Alice", isAdmin: true }] }));
    kernel.userFunctions.set("matcher_matchsongs", () => ({
      results: [null, { id: "mf-9", title: "Found", averageRating: 4.5, libraryId: 1 }],
    }));
    const result = kernel.call(module, "nd_find_sonic_path", { startSong: { name: "a" }, endSong: { name: "b", isrc: "X" }, count: 2 });
    expect(JSON.parse(result.output)).toEqual({ matches: [{ song: { id: "mf-9", name: "Found" }, similarity: 4.5 }] });
    expect(kernel.hostCalls.map((c) => c.raw)).toEqual([
      "{}",
      '{"songs":[{"name":"a"},{"name":"b","isrc":"X"}],"opts":{"username":"alice"}}',
    ]);
  });

  test("Extism's own http_request: request JSON and body out, status, headers and body back", () => {
    const seen: unknown[] = [];
    kernel.kernelHttp = (request, body) => {
      seen.push({ request, body });
      return { status: 201, headers: { "content-type": "text/plain" }, body: "https://artists.test/ñ" };
    };
    const result = kernel.call(module, "nd_get_artist_url", { id: "a1", name: "Ñu" });
    expect(result).toEqual({ rc: 0, output: '{"url":"201 text/plain https://artists.test/ñ"}', error: null });
    expect(seen).toEqual([
      { request: { url: "https://upstream.test/url", method: "POST", headers: { "X-Artist": "a1" } }, body: "Ñu" },
    ]);
  });

  test("an answer that is not a JSON object is an error, not a trap", () => {
    kernel.userFunctions.set("users_getusers", () => [1, 2]);
    const result = kernel.call(module, "nd_find_sonic_path", { startSong: { name: "a" }, endSong: { name: "b" }, count: 1 });
    expect(result.error).toBe("users_getusers: the host's answer is not a JSON object");
  });
});

describe("README.md", () => {
  test("the generation-2 plugin of the README compiles, imports only cache_getstring and answers", async () => {
    const readme = readFileSync(join(packageDir, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Generation 2"));
    const source = /```typescript\n([\s\S]*?)```/.exec(section)![1]!;
    const entryFile = join(compiler.folder, "readme-gen2-plugin.ts");
    writeFileSync(entryFile, source);
    const readmeModule = await compiler.compile(entryFile);
    const user = WebAssembly.Module.imports(readmeModule).filter((i) => i.module === gen2.USER_MODULE);
    expect(user.map((i) => i.name)).toEqual(["cache_getstring"]);

    kernel.userFunctions.set("cache_getstring", (request) =>
      (request as { key: string }).key === "bio:a1" ? { value: "Cached.", exists: true } : {},
    );
    const ask = (input: unknown) => kernel.call(readmeModule, "nd_get_artist_biography", input);
    expect(ask({ id: "a1", name: "Nina" }).output).toBe('{"biography":"Cached."}');
    expect(ask({ id: "a2", name: "Nina" }).output).toBe('{"biography":"Nina makes music."}');
    expect(ask({ id: "a3", name: "" })).toEqual({ rc: -1, output: "", error: "no artist name" });
    expect(kernel.call(readmeModule, "nd_get_artist_url", { id: "a1", name: "Nina" }).rc).toBe(gen2.RETURN_CODES.notImplemented);
  }, 120_000);
});

describe("every generated export and host function", () => {
  /** A plugin that re-exports every capability and calls every host function once, in order. */
  function everythingPlugin(): { source: string; order: string[] } {
    const model = loadGen2Schemas(join(packageDir, "..", "..", "proto", "gen2"));
    const calls = model.services.flatMap((service) => {
      const namespace = service.title.replace(/ host service$/, "") + "Service";
      return service.functions.map((f) => ({ service: service.name, namespace, f }));
    });
    const types = new Set(calls.flatMap(({ f }) => (f.request ? [f.request] : [])));
    const source = [
      `import { ${[...types].join(", ")} } from "@nd/protocol/assembly/gen2";`,
      ...[...new Set(calls.map((c) => `import { ${c.namespace} } from "@nd/protocol/assembly/gen2/host/${c.service}";`))],
      ...model.capabilities.map((c) => `export * from "@nd/protocol/assembly/gen2/exports/${c.file.replace(".schema.json", "")}";`),
      `export function nd_test_every_host_function(): i32 {`,
      ...calls.map(({ namespace, f }) => `  if (!${namespace}.${f.method}(${f.request ? `new ${f.request}()` : ""}).isOk) return 1;`),
      `  return 0;`,
      `}`,
    ].join("\n");
    return { source, order: calls.map(({ f }) => f.wasmName) };
  }

  test("all compile, link only what is called, answer -2 when not implemented and round-trip {} with the host", async () => {
    const entryFile = join(compiler.folder, "everything-plugin.ts");
    const { source, order } = everythingPlugin();
    writeFileSync(entryFile, source);
    const everything = await compiler.compile(entryFile);

    const allFunctions = Object.values(gen2.HOST_SERVICES).flatMap((service) => [...service.functions]);
    const user = WebAssembly.Module.imports(everything).filter((i) => i.module === gen2.USER_MODULE).map((i) => i.name);
    expect(user.sort()).toEqual([...allFunctions].sort());

    const allExports = Object.values(gen2.CAPABILITIES).flatMap((methods) => Object.values(methods));
    for (const exportName of allExports) {
      expect(kernel.call(everything, exportName, {}), exportName).toEqual({ rc: -2, output: "", error: null });
    }

    for (const name of allFunctions) kernel.userFunctions.set(name, () => ({}));
    expect(kernel.call(everything, "nd_test_every_host_function").rc).toBe(0);
    expect(kernel.hostCalls.map((c) => c.name)).toEqual(order);
    expect(kernel.hostCalls.find((c) => c.name === "users_getusers")?.raw).toBe("{}");
    expect(kernel.hostCalls.find((c) => c.name === "http_send")?.raw).toBe('{"request":{"method":"","url":""}}');
  }, 120_000);
});
