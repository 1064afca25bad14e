import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runReadmeExamples } from "@nd/testing";
import { expect, test } from "vitest";

test("README examples run", async () => {
  const ran = await runReadmeExamples(join(dirname(fileURLToPath(import.meta.url)), ".."));
  expect(ran).toBeGreaterThan(0);
});
