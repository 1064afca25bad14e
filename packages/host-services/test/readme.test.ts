import { runReadmeExamples } from "@nd/testing";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

// Loading the built packages (undici, ws, the generated messages) takes a few seconds on a busy machine.
test("README examples run", { timeout: 60_000 }, async () => {
  const ran = await runReadmeExamples(join(dirname(fileURLToPath(import.meta.url)), ".."));
  expect(ran).toBe(10);
});
