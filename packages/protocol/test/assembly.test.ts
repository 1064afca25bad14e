// Compiles test/assembly/contract-plugin.ts with asc against the AssemblyScript
// SDK in assembly/ and drives the real .wasm through a small JavaScript host,
// checking the wire contract (docs/architecture.md) from the host's side.
import asc from "assemblyscript/asc";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { CAPABILITIES, STANDARD_ERRORS, api, cache, http, packPtrLen, unpackPtrLen } from "../src/index.js";
import type { MessageCodec } from "../src/index.js";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const workDir = mkdtempSync(join(tmpdir(), "nd-assembly-test-"));

async function compile(entryFile: string): Promise<WebAssembly.Module> {
  const wasmFile = join(workDir, basename(entryFile).replace(/\.ts$/, ".wasm"));
  const output: string[] = [];
  const { error } = await asc.main(
    [
      entryFile,
      "--path", join(workDir, "packages"),
      "--outFile", wasmFile,
      "--exportStart", "_initialize",
      "--runtime", "incremental",
    ],
    { stdout: { write: (s: string) => output.push(s) }, stderr: { write: (s: string) => output.push(s) } } as never,
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${output.join("")}`);
  return new WebAssembly.Module(readFileSync(wasmFile));
}

interface PluginExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  _initialize(): void;
  [name: string]: unknown;
}

type HostHandler = (request: Uint8Array) => Uint8Array | { error: string };

/** A minimal host: env functions decode with the ts-proto types and answer through the plugin's malloc. */
class Host {
  readonly calls: { name: string; request: Uint8Array }[] = [];
  readonly handlers = new Map<string, HostHandler>();
  exports!: PluginExports;

  instantiate(module: WebAssembly.Module): PluginExports {
    const env: Record<string, unknown> = {
      abort: (message: number, file: number, line: number, column: number) => {
        throw new Error(`abort: ${this.asString(message)} at ${this.asString(file)}:${line}:${column}`);
      },
    };
    for (const { module: from, name } of WebAssembly.Module.imports(module)) {
      if (from === "env" && name !== "abort") env[name] = (ptr: number, len: number) => this.serve(name, ptr, len);
    }
    const instance = new WebAssembly.Instance(module, { env: env as WebAssembly.ModuleImports });
    this.exports = instance.exports as unknown as PluginExports;
    this.exports._initialize();
    return this.exports;
  }

  private bytes(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, ptr, len).slice();
  }

  private asString(ptr: number): string {
    if (ptr === 0) return "";
    const byteLength = new Uint32Array(this.exports.memory.buffer, ptr - 4, 1)[0]!;
    return Buffer.from(this.exports.memory.buffer, ptr, byteLength).toString("utf16le");
  }

  private place(bytes: Uint8Array): number {
    const ptr = this.exports.malloc(bytes.length);
    new Uint8Array(this.exports.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }

  private serve(name: string, ptr: number, len: number): bigint {
    const request = this.bytes(ptr, len);
    this.calls.push({ name, request });
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`test host has no handler for env.${name}`);
    const answer = handler(request);
    if (answer instanceof Uint8Array) return packPtrLen(this.place(answer), answer.length);
    const text = new TextEncoder().encode(answer.error);
    return packPtrLen(this.place(text), text.length, true);
  }

  /** Calls an export the way the runtime does: malloc, write, call, free the request, read, free the answer. */
  call(exportName: string, request: Uint8Array): { bytes: Uint8Array; isError: boolean } | "undecodable" {
    const fn = this.exports[exportName] as (ptr: number, len: number) => bigint;
    const ptr = this.place(request);
    const packed = fn(ptr, request.length);
    this.exports.free(ptr);
    if (packed === 0n) return "undecodable";
    const { ptr: out, len, isError } = unpackPtrLen(packed);
    const bytes = this.bytes(out, len);
    this.exports.free(out);
    return { bytes, isError };
  }
}

function encode<T>(codec: MessageCodec<T>, value: Partial<T>): Uint8Array {
  return codec.encode(codec.fromPartial(value)).finish();
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let module: WebAssembly.Module;
let host: Host;

beforeAll(async () => {
  // Resolve "@nd/protocol/assembly" the way a plugin's node_modules would.
  mkdirSync(join(workDir, "packages", "@nd"), { recursive: true });
  symlinkSync(packageDir, join(workDir, "packages", "@nd", "protocol"), "dir");
  module = await compile(join(packageDir, "test", "assembly", "contract-plugin.ts"));
}, 60_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

beforeEach(() => {
  host = new Host();
  host.instantiate(module);
});

/** Calls a capability method and decodes its answer, or returns its error text. */
function callMethod<Req, Res>(
  exportName: string,
  requestType: MessageCodec<Req>,
  responseType: MessageCodec<Res>,
  request: Partial<Req>,
): Res | { error: string } {
  const result = host.call(exportName, encode(requestType, request));
  if (result === "undecodable") throw new Error(`${exportName} could not decode its request`);
  return result.isError ? { error: text(result.bytes) } : responseType.decode(result.bytes);
}

describe("exports and imports", () => {
  test("exports memory, malloc, free, _initialize and every method of the capabilities the plugin re-exports", () => {
    const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    for (const name of ["memory", "malloc", "free", "_initialize"]) expect(exported).toContain(name);
    for (const capability of [CAPABILITIES.MetadataAgent, CAPABILITIES.Scrobbler, CAPABILITIES.LifecycleManagement]) {
      expect(exported).toContain(capability.apiVersionExport);
      for (const method of Object.values(capability.methods)) expect(exported).toContain(method.exportName);
    }
    expect([...exported].filter((name) => name.startsWith("scheduler_callback_"))).toEqual([]);
  });

  test("api_version answers 1 for each capability", () => {
    for (const name of ["metadata_agent_api_version", "scrobbler_api_version", "lifecycle_management_api_version"]) {
      expect((host.exports[name] as () => bigint)()).toBe(1n);
    }
  });

  test("imports only the env functions the plugin calls", () => {
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
    expect(imports.sort()).toEqual(["env.abort", "env.get_float", "env.post", "env.set_float"]);
  });
});

describe("capability calls", () => {
  const { methods } = CAPABILITIES.MetadataAgent;

  test("a request round-trips through the plugin's classes", () => {
    const bio = callMethod(
      methods.GetArtistBiography!.exportName,
      api.ArtistBiographyRequest,
      api.ArtistBiographyResponse,
      { name: "Björk ✓", mbid: "87c5dedd" },
    );
    expect(bio).toEqual({ biography: "bio of Björk ✓ (87c5dedd)" });
  });

  test("repeated messages and int32 fields are encoded", () => {
    const similar = callMethod(
      methods.GetSimilarArtists!.exportName,
      api.ArtistSimilarRequest,
      api.ArtistSimilarResponse,
      { name: "Low", limit: 3 },
    );
    expect(similar).toEqual({
      artists: [
        { name: "Low 0", mbid: "mbid-0" },
        { name: "Low 1", mbid: "mbid-1" },
        { name: "Low 2", mbid: "mbid-2" },
      ],
    });
  });

  test("embedded messages, repeated embedded messages and int64 are decoded", () => {
    const answer = callMethod(
      CAPABILITIES.Scrobbler.methods.Scrobble!.exportName,
      api.ScrobblerScrobbleRequest,
      api.ScrobblerScrobbleResponse,
      {
        timestamp: 1_099_511_627_781n,
        track: api.TrackInfo.fromPartial({ name: "Lullaby", artists: [{ name: "A" }, { name: "B" }] }),
      },
    );
    expect(answer).toEqual({ error: "Lullaby|2|1099511627781" });
  });

  test("maps are decoded", () => {
    const init = CAPABILITIES.LifecycleManagement.methods.OnInit!;
    expect(callMethod(init.exportName, api.InitRequest, api.InitResponse, { config: { other: "x" } })).toEqual({
      error: "token missing",
    });
    expect(callMethod(init.exportName, api.InitRequest, api.InitResponse, { config: { token: "t" } })).toEqual({
      error: "",
    });
  });

  test("an empty response is a real pointer with length 0, not the 'undecodable' 0", () => {
    const result = host.call(CAPABILITIES.LifecycleManagement.methods.OnInit!.exportName, encode(api.InitRequest, { config: { token: "t" } }));
    expect(result).toEqual({ bytes: new Uint8Array(0), isError: false });
  });

  test("unknown fields of every wire type are skipped", () => {
    const known = encode(api.ArtistBiographyRequest, { name: "Can" });
    const unknown = [
      0xb8, 0x06, 0x96, 0x01, // field 103 varint 150
      0xc1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, // field 104 fixed64
      0xca, 0x06, 0x03, 0x61, 0x62, 0x63, // field 105 length-delimited "abc"
      0xd5, 0x06, 1, 2, 3, 4, // field 106 fixed32
      0x18, 0x05, // field 3 (mbid, a string) sent with the varint wire type
    ];
    const result = host.call(methods.GetArtistBiography!.exportName, new Uint8Array([...unknown, ...known]));
    expect(result).not.toBe("undecodable");
    if (result === "undecodable") return;
    expect(api.ArtistBiographyResponse.decode(result.bytes).biography).toBe("bio of Can ()");
  });

  test("a request that is not protobuf answers 0", () => {
    const exportName = methods.GetArtistBiography!.exportName;
    expect(host.call(exportName, new Uint8Array([0x12, 0x05, 0x61]))).toBe("undecodable"); // string runs past the end
    expect(host.call(exportName, new Uint8Array([0x00]))).toBe("undecodable"); // field number 0
    expect(host.call(exportName, new Uint8Array([0x0b]))).toBe("undecodable"); // group wire type
  });
});

describe("errors", () => {
  const { methods } = CAPABILITIES.MetadataAgent;

  test("an error string is flagged with bit 31 of the low word", () => {
    const request = encode(api.ArtistMBIDRequest, { name: "Nobody" });
    const ptr = host.exports.malloc(request.length);
    new Uint8Array(host.exports.memory.buffer, ptr, request.length).set(request);
    const packed = (host.exports[methods.GetArtistMBID!.exportName] as (p: number, l: number) => bigint)(ptr, request.length);
    const low = Number(BigInt.asUintN(64, packed) & 0xffff_ffffn);
    expect(low & 0x8000_0000).not.toBe(0);
    const { ptr: out, len } = unpackPtrLen(packed);
    expect(text(new Uint8Array(host.exports.memory.buffer, out, len))).toBe("no mbid for Nobody");
  });

  test("Result.notFound answers plugin:not_found", () => {
    expect(callMethod(methods.GetArtistMBID!.exportName, api.ArtistMBIDRequest, api.ArtistMBIDResponse, {})).toEqual({
      error: STANDARD_ERRORS.notFound,
    });
  });

  test("a method the plugin does not override answers plugin:not_implemented", () => {
    expect(
      callMethod(methods.GetAlbumInfo!.exportName, api.AlbumInfoRequest, api.AlbumInfoResponse, { name: "x" }),
    ).toEqual({ error: STANDARD_ERRORS.notImplemented });
    const isAuthorized = CAPABILITIES.Scrobbler.methods.IsAuthorized!;
    expect(
      callMethod(isAuthorized.exportName, api.ScrobblerIsAuthorizedRequest, api.ScrobblerIsAuthorizedResponse, {}),
    ).toEqual({ error: STANDARD_ERRORS.notImplemented });
  });
});

describe("host calls", () => {
  const getArtistURL = CAPABILITIES.MetadataAgent.methods.GetArtistURL!.exportName;
  const getArtistImages = CAPABILITIES.MetadataAgent.methods.GetArtistImages!.exportName;

  function askURL(name: string) {
    return callMethod(getArtistURL, api.ArtistURLRequest, api.ArtistURLResponse, { name, mbid: "m-1" });
  }

  test("the client encodes the request, and decodes the answer the host placed with malloc", () => {
    host.handlers.set("post", () =>
      encode(http.HttpResponse, {
        status: 201,
        headers: { "content-type": "text/plain" },
        body: new TextEncoder().encode("héllo"),
      }),
    );
    expect(askURL("Año")).toEqual({ url: "201 text/plain héllo" });
    expect(host.calls).toHaveLength(1);
    expect(http.HttpRequest.decode(host.calls[0]!.request)).toEqual({
      url: "http://upstream.test/artist",
      headers: { "X-Name": "Año" },
      timeoutMs: -1,
      body: new TextEncoder().encode("m-1"),
    });
  });

  test("an error string from the host becomes the Result's error", () => {
    host.handlers.set("post", () => ({ error: "permission denied" }));
    expect(askURL("x")).toEqual({ error: "env.post: permission denied" });
  });

  test("an answer that is not protobuf becomes an error, not a trap", () => {
    host.handlers.set("post", () => new Uint8Array([0x0a, 0x7f]));
    expect(askURL("x")).toEqual({ error: "env.post: the host's answer is not a valid message" });
  });

  test("double values cross in both directions", () => {
    const store = new Map<string, number>();
    host.handlers.set("get_float", (bytes) => {
      const { key } = cache.GetRequest.decode(bytes);
      return encode(cache.GetFloatResponse, { exists: store.has(key), value: store.get(key) ?? 0 });
    });
    host.handlers.set("set_float", (bytes) => {
      const { key, value, ttlSeconds } = cache.SetFloatRequest.decode(bytes);
      expect(ttlSeconds).toBe(60n);
      store.set(key, value);
      return encode(cache.SetResponse, { success: true });
    });
    const ask = () => callMethod(getArtistImages, api.ArtistImageRequest, api.ArtistImageResponse, { name: "k" });
    expect(ask()).toEqual({ images: [{ url: "size 1.5", size: 1 }] });
    expect(ask()).toEqual({ images: [{ url: "size 3.0", size: 3 }] });
    expect(store.get("k")).toBe(3);
  });

  test("memory is reclaimed: 10,000 calls with two host calls each do not grow memory", () => {
    host.handlers.set("get_float", () => encode(cache.GetFloatResponse, { exists: true, value: 0.5 }));
    host.handlers.set("set_float", () => encode(cache.SetResponse, { success: true }));
    const request = encode(api.ArtistImageRequest, { name: "x".repeat(200) });
    const run = (times: number) => {
      for (let i = 0; i < times; i++) {
        const result = host.call(getArtistImages, request);
        if (result === "undecodable" || result.isError) throw new Error("call failed");
      }
    };
    run(1_000);
    const afterWarmUp = host.exports.memory.buffer.byteLength;
    run(10_000);
    expect(host.exports.memory.buffer.byteLength).toBe(afterWarmUp);
    expect(host.calls).toHaveLength(22_000);
  });
});

describe("README-authors.md", () => {
  test("the guide's plugin compiles, imports only env.get and answers through the host", async () => {
    const guide = readFileSync(join(packageDir, "README-authors.md"), "utf8");
    const [source] = [...guide.matchAll(/```typescript\n([\s\S]*?)```/g)].map((match) => match[1]!);
    const entryFile = join(workDir, "guide-plugin.ts");
    writeFileSync(entryFile, source!);
    const guideModule = await compile(entryFile);
    expect(WebAssembly.Module.imports(guideModule).map((i) => i.name).sort()).toEqual(["abort", "get"]);

    host = new Host();
    host.instantiate(guideModule);
    host.handlers.set("get", (bytes) => {
      const { url } = http.HttpRequest.decode(bytes);
      return encode(http.HttpResponse, { status: 200, body: new TextEncoder().encode(`bio from ${url}`) });
    });
    const exportName = CAPABILITIES.MetadataAgent.methods.GetArtistBiography!.exportName;
    expect(callMethod(exportName, api.ArtistBiographyRequest, api.ArtistBiographyResponse, { name: "Sigur Rós" })).toEqual({
      biography: "bio from https://example.org/bio/Sigur%20R%C3%B3s",
    });
    expect(callMethod(exportName, api.ArtistBiographyRequest, api.ArtistBiographyResponse, { name: "" })).toEqual({
      error: STANDARD_ERRORS.notFound,
    });
  }, 60_000);
});
