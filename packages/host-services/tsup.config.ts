import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/shared-cache.ts"],
  format: ["esm", "cjs"],
  // Both entries share the cache code and error classes: one copy, so instanceof holds across them.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
