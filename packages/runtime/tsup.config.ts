import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: process.env.ND_NO_DTS ? false : { entry: "src/index.ts" },
    clean: true,
    sourcemap: true,
    shims: true,
    target: "node24",
  },
  {
    // The worker thread's code in one script with what it uses of @nd/protocol and
    // @nd/host-services: a thread starts by compiling one script, not three packages'
    // modules, and without the ES module loader.
    entry: { worker: "src/threads/worker/worker-main.ts" },
    format: ["cjs"],
    noExternal: [/^@nd\//, /^@bufbuild\//],
    minify: true,
    sourcemap: true,
    target: "node24",
  },
]);
