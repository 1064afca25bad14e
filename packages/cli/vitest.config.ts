import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Temporary plugin folders made through @nd/testing are removed after each test file.
    setupFiles: ["@nd/testing/cleanup"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
