import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The ```ts blocks of a README, in order: the examples its readers copy. */
export function readmeExamples(readmePath: string): string[] {
  const text = readFileSync(readmePath, "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

/**
 * Runs every ```ts block of `<packageDir>/README.md` as a module, one after the other.
 * Examples assert their own results (node:assert), so a drifted README fails its test.
 */
export async function runReadmeExamples(packageDir: string): Promise<number> {
  const examples = readmeExamples(join(packageDir, "README.md"));
  const scratch = join(packageDir, "test", ".readme");
  mkdirSync(scratch, { recursive: true });
  try {
    for (const [index, code] of examples.entries()) {
      const file = join(scratch, `example-${index}.ts`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, code);
      await import(file);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return examples.length;
}
