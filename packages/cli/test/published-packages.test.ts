// What someone taking nd gets: a license, a version, and where the project lives, in each of
// the six published packages; every other package of the workspace is private.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const PUBLISHED = ["cli", "host-services", "manifest", "ndp", "protocol", "runtime"];

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  files?: string[];
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
}

function packageJson(folder: string): PackageJson {
  return JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8"));
}

/** Every package of the workspace (pnpm-workspace.yaml: packages/* and examples/*). */
function workspacePackages(): string[] {
  return ["packages", "examples"].flatMap((parent) =>
    readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && readdirSync(join(root, parent, entry.name)).includes("package.json"))
      .map((entry) => `${parent}/${entry.name}`),
  );
}

describe("the published packages", () => {
  const license = readFileSync(join(root, "LICENSE"), "utf8");

  test("the root LICENSE is MIT, as the packages say, copyright the nd authors", () => {
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the nd authors\n/);
  });

  test.each(PUBLISHED)("packages/%s ships the LICENSE, a real version and where the project lives", (name) => {
    const manifest = packageJson(`packages/${name}`);
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe("MIT");
    expect(readFileSync(join(root, "packages", name, "LICENSE"), "utf8")).toBe(license);
    expect(manifest.files).toContain("LICENSE");
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.version).not.toBe("0.0.0");
    expect(manifest.repository).toEqual({ type: "git", url: "git+https://github.com/nd-music/nd.git", directory: `packages/${name}` });
    expect(manifest.homepage).toBe(`https://github.com/nd-music/nd/tree/main/packages/${name}#readme`);
    expect(manifest.bugs).toEqual({ url: "https://github.com/nd-music/nd/issues" });
  });

  test("every other package of the workspace is private, so the release packs only the six", () => {
    const published = workspacePackages().filter((folder) => !packageJson(folder).private);
    expect(published.sort()).toEqual(PUBLISHED.map((name) => `packages/${name}`));
  });
});
