import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { extractNdp, writeNdp } from "../src/index.js";
import { ANSWER_MODULE, EMPTY_MODULE, MANIFEST, refusal, scratch, tree } from "./fixtures.js";

const PACKAGE = writeNdp({ manifest: MANIFEST, wasm: ANSWER_MODULE, readme: "# Test plugin\n", license: "MIT\n" });

async function pluginsFolder(): Promise<{ base: string; plugins: string }> {
  const base = await scratch();
  const plugins = join(base, "plugins");
  await mkdir(plugins, { mode: 0o700 });
  return { base, plugins };
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe("extractNdp", () => {
  test("writes the package files into the target, private to the owner", async () => {
    const { base, plugins } = await pluginsFolder();
    const target = join(plugins, "test-plugin");

    const ndp = await extractNdp(await PACKAGE, target);

    expect(ndp.manifest.name).toBe("test-plugin");
    expect(await tree(base)).toEqual([
      "plugins",
      "plugins/test-plugin",
      "plugins/test-plugin/LICENSE",
      "plugins/test-plugin/README.md",
      "plugins/test-plugin/manifest.json",
      "plugins/test-plugin/plugin.wasm",
    ]);
    expect(new Uint8Array(await readFile(join(target, "plugin.wasm")))).toEqual(ANSWER_MODULE);
    expect(JSON.parse(await readFile(join(target, "manifest.json"), "utf8"))).toEqual(MANIFEST);
    expect(await readFile(join(target, "LICENSE"), "utf8")).toBe("MIT\n");
    expect(await modeOf(target)).toBe(0o700);
    for (const file of ["plugin.wasm", "manifest.json", "README.md", "LICENSE"]) {
      expect(await modeOf(join(target, file))).toBe(0o600);
    }
  });

  test("reads the package from a path as well as from bytes", async () => {
    const { base, plugins } = await pluginsFolder();
    const file = join(base, "test-plugin.ndp");
    await writeFile(file, await PACKAGE);

    const ndp = await extractNdp(file, join(plugins, "from-file"));

    expect(ndp.files.map((entry) => entry.name)).toEqual(["manifest.json", "plugin.wasm", "README.md", "LICENSE"]);
    expect(await tree(join(plugins, "from-file"))).toEqual(["LICENSE", "README.md", "manifest.json", "plugin.wasm"]);
  });

  test("refuses an existing target unless asked to replace it", async () => {
    const { base, plugins } = await pluginsFolder();
    const target = join(plugins, "test-plugin");
    await mkdir(target);
    await writeFile(join(target, "plugin.wasm"), "old version");

    const error = await refusal(extractNdp(await PACKAGE, target));

    expect(error.kind).toBe("target-exists");
    expect(error.message).toContain(target);
    expect(await tree(base)).toEqual(["plugins", "plugins/test-plugin", "plugins/test-plugin/plugin.wasm"]);
  });

  test("replaces an existing folder and leaves no old copy or temporary folder", async () => {
    const { base, plugins } = await pluginsFolder();
    const target = join(plugins, "test-plugin");
    await mkdir(target);
    await writeFile(join(target, "plugin.wasm"), "old version");
    await writeFile(join(target, "stale.txt"), "from the old version");

    await extractNdp(await PACKAGE, target, { replace: true });

    expect(await tree(base)).toEqual([
      "plugins",
      "plugins/test-plugin",
      "plugins/test-plugin/LICENSE",
      "plugins/test-plugin/README.md",
      "plugins/test-plugin/manifest.json",
      "plugins/test-plugin/plugin.wasm",
    ]);
    expect(new Uint8Array(await readFile(join(target, "plugin.wasm")))).toEqual(ANSWER_MODULE);
  });

  test("replacing a development link removes the link, never the linked folder", async () => {
    const { base, plugins } = await pluginsFolder();
    const development = join(base, "dev");
    await mkdir(development);
    await writeFile(join(development, "plugin.wasm"), EMPTY_MODULE);
    const target = join(plugins, "test-plugin");
    await symlink(development, target);

    expect((await refusal(extractNdp(await PACKAGE, target))).kind).toBe("target-exists");
    expect(await readlink(target)).toBe(development);

    await extractNdp(await PACKAGE, target, { replace: true });

    expect((await lstat(target)).isDirectory()).toBe(true);
    expect(new Uint8Array(await readFile(join(development, "plugin.wasm")))).toEqual(EMPTY_MODULE);
    expect(await tree(development)).toEqual(["plugin.wasm"]);
  });

  test("fails cleanly when the target's parent folder does not exist", async () => {
    const { base } = await pluginsFolder();

    const error: unknown = await extractNdp(await PACKAGE, join(base, "missing", "test-plugin")).catch(
      (thrown: unknown) => thrown,
    );

    expect(error).toMatchObject({ code: "ENOENT" });
    expect(await tree(base)).toEqual(["plugins"]);
  });
});
