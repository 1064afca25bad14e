// Every relative link in the repository's markdown resolves inside the repository, anchors
// included, and no file points at notes kept outside it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const repository = fileURLToPath(new URL("../../..", import.meta.url));
const SKIPPED = new Set(["node_modules", ".git", "dist", ".turbo", ".nd-demo"]);
const TEXT = /\.(md|ts|mjs|js|json|go|proto|yaml|toml)$/;

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** `[text](target)` links outside fenced code blocks. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

/** Heading anchors the way GitHub makes them. */
function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
  const headings = [...prose.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => match[1]!);
  return new Set(headings.map((heading) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")));
}

function brokenLinks(file: string): string[] {
  const markdown = readFileSync(file, "utf8");
  return linksOf(markdown)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .filter((target) => {
      const [path = "", anchor] = target.split("#");
      const resolved = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!existsSync(resolved) || relative(repository, resolved).startsWith("..")) return true;
      if (anchor === undefined || !resolved.endsWith(".md") || statSync(resolved).isDirectory()) return false;
      return !anchorsOf(readFileSync(resolved, "utf8")).has(anchor);
    })
    .map((target) => `${relative(repository, file)}: ${target}`);
}

describe("the repository's documents", () => {
  const files = filesUnder(repository);

  test("every relative markdown link resolves inside the repository", () => {
    const markdown = files.filter((file) => file.endsWith(".md"));
    expect(markdown.length).toBeGreaterThan(10);
    expect(markdown.flatMap(brokenLinks)).toEqual([]);
  });

  test("no file points at design notes outside the repository", () => {
    const outside = ["DESIGN" + ".md", "../" + "shared"];
    const pointing = files
      .filter((file) => TEXT.test(file))
      .filter((file) => outside.some((text) => readFileSync(file, "utf8").includes(text)))
      .map((file) => relative(repository, file));
    expect(pointing).toEqual([]);
  });
});
