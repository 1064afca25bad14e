import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", worker: "src/threads/worker/worker-main.ts" },
  format: ["esm", "cjs"],
  dts: process.env.ND_NO_DTS ? false : { entry: "src/index.ts" },
  clean: true,
  sourcemap: true,
  shims: true,
  target: "node20",
});
