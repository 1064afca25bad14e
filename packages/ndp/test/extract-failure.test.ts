import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { extractNdp, writeNdp } from "../src/index.js";
import { ANSWER_MODULE, MANIFEST, scratch, tree } from "./fixtures.js";

/**
 * Faults injected into the file system calls extractNdp makes, to stop it halfway:
 * a failing write of one file, or a failing rename of the new folder into place.
 */
const faults = vi.hoisted(() => ({ failWriteOf: undefined as string | undefined, failRenameFrom: undefined as RegExp | undefined }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:fs/promises")>();
  const simulated = (operation: string, path: string) =>
    Object.assign(new Error(`EIO: i/o error, ${operation} '${path}' (simulated)`), { code: "EIO" });
  return {
    ...original,
    open: async (...args: Parameters<typeof original.open>) => {
      const path = String(args[0]);
      if (faults.failWriteOf !== undefined && basename(path) === faults.failWriteOf) throw simulated("open", path);
      return original.open(...args);
    },
    rename: async (from: string, to: string) => {
      if (faults.failRenameFrom?.test(basename(from))) throw simulated("rename", from);
      return original.rename(from, to);
    },
  };
});

afterEach(() => {
  faults.failWriteOf = undefined;
  faults.failRenameFrom = undefined;
});

async function installedOldVersion(): Promise<{ base: string; target: string }> {
  const base = await scratch();
  const target = join(base, "plugins", "test-plugin");
  await mkdir(target, { recursive: true });
  await writeFile(join(target, "plugin.wasm"), "old version");
  return { base, target };
}

const OLD_TREE = ["plugins", "plugins/test-plugin", "plugins/test-plugin/plugin.wasm"];

describe("extractNdp stopped halfway", () => {
  const newPackage = () => writeNdp({ manifest: MANIFEST, wasm: ANSWER_MODULE, license: "MIT\n" });

  test("a file that cannot be written leaves the old version and no temporary folder", async () => {
    const { base, target } = await installedOldVersion();
    const bytes = await newPackage();
    faults.failWriteOf = "LICENSE";

    await expect(extractNdp(bytes, target, { replace: true })).rejects.toThrow(/simulated/);

    expect(await tree(base)).toEqual(OLD_TREE);
    expect(await readFile(join(target, "plugin.wasm"), "utf8")).toBe("old version");
  });

  test("a new folder that cannot be renamed into place puts the old version back", async () => {
    const { base, target } = await installedOldVersion();
    const bytes = await newPackage();
    faults.failRenameFrom = /\.ndp-tmp-/;

    await expect(extractNdp(bytes, target, { replace: true })).rejects.toThrow(/simulated/);

    expect(await tree(base)).toEqual(OLD_TREE);
    expect(await readFile(join(target, "plugin.wasm"), "utf8")).toBe("old version");
  });

  test("a first install that cannot be renamed into place leaves nothing", async () => {
    const base = await scratch();
    await mkdir(join(base, "plugins"));
    const bytes = await newPackage();
    faults.failRenameFrom = /\.ndp-tmp-/;

    await expect(extractNdp(bytes, join(base, "plugins", "test-plugin"))).rejects.toThrow(/simulated/);

    expect(await tree(base)).toEqual(["plugins"]);
  });

  test("the same steps without a fault install the new version", async () => {
    const { base, target } = await installedOldVersion();

    await extractNdp(await newPackage(), target, { replace: true });

    expect(await tree(base)).toEqual([...OLD_TREE.slice(0, 2), "plugins/test-plugin/LICENSE", "plugins/test-plugin/manifest.json", "plugins/test-plugin/plugin.wasm"]);
    expect(new Uint8Array(await readFile(join(target, "plugin.wasm")))).toEqual(ANSWER_MODULE);
  });
});
