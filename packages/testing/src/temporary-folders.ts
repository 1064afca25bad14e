import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created = new Set<string>();

/**
 * A new folder in the system's temporary folder. Every one is removed by
 * `removeTemporaryFolders`, which "@nd/testing/cleanup" runs after each test file.
 */
export function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  created.add(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
  created.clear();
}
