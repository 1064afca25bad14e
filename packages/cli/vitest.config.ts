import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Temporary plugin folders made through @nd/testing are removed after each test file, and
    // the per-user data folder is a temporary one.
    setupFiles: ["@nd/testing/cleanup", "./test/support/isolated-data-home.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
