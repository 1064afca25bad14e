import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Temporary plugin folders made through @nd/testing are removed after each test file.
    setupFiles: ["@nd/testing/cleanup"],
    include: ["test/**/*.test.ts"],
    // Forks with --expose-gc, so the fault-injection test can compare the heap after a collection.
    pool: "forks",
    poolOptions: { forks: { execArgv: ["--expose-gc"] } },
    // Fault injection and hostile plugins start worker pools of their own; two files at a time is enough on 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
