// Library mounts (src/threads/worker/wasi-files) under real wasm: a Go wasip1 program
// (test/fixtures/go-wasi-files) using os.ReadDir, os.ReadFile and os.WriteFile as plugin code
// does, and a WAT module calling path_open and fd_read directly with paths Go would clean up.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { goAvailableFor, temporaryFolder, watPlugin } from "@nd/testing";
import { beforeAll, describe, expect, test } from "vitest";
import { PluginMemory } from "../src/threads/worker/plugin-memory.js";
import { ExitError } from "../src/threads/worker/trap.js";
import { createWasi } from "../src/threads/worker/wasi.js";
import {
  createLibraryFiles,
  type LibraryFileLimits,
  LibraryMountError,
  type LibraryMountSpec,
  withLibraryFiles,
} from "../src/threads/worker/wasi-files/index.js";

const FIXTURE = join(__dirname, "fixtures", "go-wasi-files");
const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, MFILE: 33, NOENT: 44, ROFS: 69, NOTCAPABLE: 76 };
const RIGHT_FD_READ = 2n;
/** Enough entries that Go's 8 KiB fd_readdir buffer takes several calls. */
const MANY_FILES = 500;
const RIGHT_FD_WRITE = 64n;

/** Two libraries and, beside them, a secret no plugin may read; links lead in and out. */
function libraries(): { mounts: LibraryMountSpec[]; writableRoot: string } {
  const root = temporaryFolder("nd-wasi-files-");
  const [one, two, outside] = ["library-1", "library-2", "outside"].map((name) => join(root, name)) as [string, string, string];
  for (const folder of [join(one, "album"), two, outside]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(one, "album", "song.txt"), "la la la");
  writeFileSync(join(outside, "secret.txt"), "the host's secret");
  symlinkSync("album", join(one, "shortcut"));
  symlinkSync(outside, join(one, "escape"));
  symlinkSync(join(outside, "secret.txt"), join(one, "secret-link"));
  symlinkSync(outside, join(two, "escape"));
  mkdirSync(join(one, "many"));
  for (let index = 0; index < MANY_FILES; index++) writeFileSync(join(one, "many", `track-${index}-${"x".repeat(40)}.flac`), "");
  return {
    mounts: [
      { guestPath: "/libraries/1", hostPath: one, writable: false },
      { guestPath: "/libraries/2", hostPath: two, writable: true },
    ],
    writableRoot: two,
  };
}

function instantiate(module: WebAssembly.Module, mounts: LibraryMountSpec[], limits?: Partial<LibraryFileLimits>) {
  const lines: string[] = [];
  let memory: WebAssembly.Memory | undefined;
  const currentMemory = () => memory as WebAssembly.Memory;
  const wasi = createWasi(() => new PluginMemory(currentMemory()), (_stream, line) => lines.push(line));
  const files = createLibraryFiles(mounts, currentMemory, limits);
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: withLibraryFiles(wasi.imports, files) });
  memory = instance.exports.memory as WebAssembly.Memory;
  return { instance, memory, lines, files, flush: wasi.flush };
}

const hasGo = goAvailableFor("the WASI library mount tests with Go (test/fixtures/go-wasi-files)", ["go"]);

describe.skipIf(!hasGo)("a Go wasip1 program in the mounts", () => {
  let wasm: Uint8Array<ArrayBuffer>;

  beforeAll(() => {
    const out = join(temporaryFolder("nd-go-wasi-files-"), "files.wasm");
    const build = spawnSync("go", ["build", "-o", out, "."], {
      cwd: FIXTURE,
      env: { ...process.env, GOOS: "wasip1", GOARCH: "wasm" },
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`building the Go test program failed:\n${build.stdout}${build.stderr}`);
    wasm = Uint8Array.from(readFileSync(out));
  }, 300_000);

  test("lists and reads a mount, and cannot leave it or write to a read-only one", () => {
    const { mounts, writableRoot } = libraries();
    const run = instantiate(new WebAssembly.Module(wasm), mounts);
    expect(() => (run.instance.exports._start as () => void)()).toThrow(ExitError);
    run.flush();
    run.files.closeAll();
    const steps = Object.fromEntries(run.lines.map((line) => line.split(/: (.*)/s).slice(0, 2)));
    expect(steps.list?.split(",").sort()).toEqual(["album/", "escape", "many/", "secret-link", "shortcut"]);
    expect(steps.read).toBe("la la la");
    expect(steps.stat).toBe("8 bytes");
    expect(steps["symlink inside"]).toBe("la la la");
    expect(steps["symlink escape"]).toMatch(/^error: .*(permission|capab)/i);
    expect(steps["file symlink escape"]).toMatch(/^error: .*(permission|capab)/i);
    expect(steps["write read-only"]).toMatch(/^error: .*read-only file system/i);
    expect(steps["mkdir read-only"]).toMatch(/^error: .*read-only file system/i);
    expect(steps["write writable"]).toBe("written");
    expect(steps["rename writable"]).toBe("renamed");
    expect(steps["read back"]).toBe("written by the plugin");
    expect(readFileSync(join(writableRoot, "renamed.txt"), "utf8")).toBe("written by the plugin");
    expect(steps["mkdir and remove writable"]).toBe("done");
    expect(steps["write through escaping symlink"]).toMatch(/^error: .*capabilities insufficient/i);
    expect(existsSync(join(writableRoot, "..", "outside", "planted.txt"))).toBe(false);
    expect(steps["rename across mounts"]).toMatch(/^error: /);
    expect(steps["list many"]).toBe(String(MANY_FILES));
    expect(steps["outside mounts"]).toMatch(/^error: /);
    expect(run.lines.join("\n")).not.toContain("the host's secret");
  }, 60_000);
});

/** Calls path_open and fd_read with whatever the test writes into memory at 1024. */
const DIRECT_CALLS = watPlugin(
  `
  (func (export "open") (param $dir i32) (param $len i32) (param $oflags i32) (param $rights i64) (result i32)
    (call $path_open (local.get $dir) (i32.const 1) (i32.const 1024) (local.get $len) (local.get $oflags)
      (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 512)))
  (func (export "opened") (result i32) (i32.load (i32.const 512)))
  (func (export "read") (param $fd i32) (param $len i32) (result i32)
    (i32.store (i32.const 600) (i32.const 2048))
    (i32.store (i32.const 604) (local.get $len))
    (call $fd_read (local.get $fd) (i32.const 600) (i32.const 1) (i32.const 620)))
  (func (export "bytes_read") (result i32) (i32.load (i32.const 620)))
  (func (export "pread") (param $fd i32) (param $offset i64) (result i32)
    (i32.store (i32.const 600) (i32.const 2048))
    (i32.store (i32.const 604) (i32.const 16))
    (call $fd_pread (local.get $fd) (i32.const 600) (i32.const 1) (local.get $offset) (i32.const 620)))`,
  {
    imports: `
    (import "wasi_snapshot_preview1" "path_open"
      (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))`,
    prefixes: [],
  },
);

function directCalls(limits?: Partial<LibraryFileLimits>) {
  const { mounts } = libraries();
  const run = instantiate(new WebAssembly.Module(Uint8Array.from(DIRECT_CALLS)), mounts, limits);
  const exports = run.instance.exports as Record<string, (...args: never[]) => number>;
  const open = (path: string, options: { dir?: number; oflags?: number; rights?: bigint } = {}) => {
    const bytes = new TextEncoder().encode(path);
    new Uint8Array(run.memory.buffer, 1024, bytes.length).set(bytes);
    const call = exports.open as (dir: number, len: number, oflags: number, rights: bigint) => number;
    return call(options.dir ?? 3, bytes.length, options.oflags ?? 0, options.rights ?? RIGHT_FD_READ);
  };
  return { ...run, exports, open };
}

describe("path_open and fd_read called directly", () => {
  test.each([
    ["../outside/secret.txt", ERRNO.NOTCAPABLE],
    ["album/../../outside/secret.txt", ERRNO.NOTCAPABLE],
    ["/etc/hostname", ERRNO.NOTCAPABLE],
    ["escape/secret.txt", ERRNO.NOTCAPABLE],
    ["secret-link", ERRNO.NOTCAPABLE],
    ["album/missing.txt", ERRNO.NOENT],
    ["album/./song.txt", ERRNO.SUCCESS],
    ["shortcut/../album/song.txt", ERRNO.SUCCESS],
  ])("opening %s answers errno %i", (path, errno) => {
    expect(directCalls().open(path)).toBe(errno);
  });

  test("a read-only mount refuses opening for writing and creating; a writable one allows both", () => {
    const run = directCalls();
    expect(run.open("album/song.txt", { rights: RIGHT_FD_READ | RIGHT_FD_WRITE })).toBe(ERRNO.ROFS);
    expect(run.open("made.txt", { oflags: 1 })).toBe(ERRNO.ROFS);
    expect(run.open("made.txt", { dir: 4, oflags: 1, rights: RIGHT_FD_WRITE })).toBe(ERRNO.SUCCESS);
  });

  test("a descriptor no mount owns is the base WASI's: EBADF", () => {
    expect(directCalls().open("album/song.txt", { dir: 9 })).toBe(ERRNO.BADF);
  });

  test("one fd_read returns at most maxReadBytes", () => {
    const run = directCalls({ maxReadBytes: 3 });
    expect(run.open("album/song.txt")).toBe(ERRNO.SUCCESS);
    const fd = (run.exports.opened as () => number)();
    expect((run.exports.read as (fd: number, len: number) => number)(fd, 100)).toBe(ERRNO.SUCCESS);
    expect((run.exports.bytes_read as () => number)()).toBe(3);
    expect(new TextDecoder().decode(new Uint8Array(run.memory.buffer, 2048, 3))).toBe("la ");
  });

  test("fd_pread reads at an offset, and refuses a negative one", () => {
    const run = directCalls();
    expect(run.open("album/song.txt")).toBe(ERRNO.SUCCESS);
    const fd = (run.exports.opened as () => number)();
    const pread = run.exports.pread as (fd: number, offset: bigint) => number;
    expect(pread(fd, 3n)).toBe(ERRNO.SUCCESS);
    expect(new TextDecoder().decode(new Uint8Array(run.memory.buffer, 2048, (run.exports.bytes_read as () => number)()))).toBe("la la");
    expect(pread(fd, -1n)).toBe(ERRNO.INVAL);
  });

  test("open files are bounded per instance, and closeAll frees them", () => {
    const run = directCalls({ maxOpenFiles: 2 });
    expect(run.open("album/song.txt")).toBe(ERRNO.SUCCESS);
    expect(run.open("album")).toBe(ERRNO.SUCCESS);
    expect(run.open("album/song.txt")).toBe(ERRNO.MFILE);
    run.files.closeAll();
    expect(run.files.owns(5)).toBe(false);
  });
});

test("a mount whose folder is missing, or whose guest path is not clean, is refused", () => {
  const memory = () => new WebAssembly.Memory({ initial: 1 });
  const missing = { guestPath: "/libraries/1", hostPath: "/nonexistent/nd-library", writable: false };
  expect(() => createLibraryFiles([missing], memory)).toThrow(LibraryMountError);
  const folder = temporaryFolder("nd-wasi-files-");
  expect(() => createLibraryFiles([{ guestPath: "/libraries/../x", hostPath: folder, writable: false }], memory)).toThrow(
    /must be absolute, without \. or \.\./,
  );
});
