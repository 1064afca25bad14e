// A vitest setup file (`setupFiles: ["@nd/testing/cleanup"]`): each test file removes the
// temporary folders it created through @nd/testing.
import { afterAll } from "vitest";
import { removeTemporaryFolders } from "./temporary-folders.js";

afterAll(removeTemporaryFolders);
