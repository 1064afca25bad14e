// A vitest setup file: the per-user data folder (where nd keeps plugins and the artwork
// secret when a config names no DataFolder) points into a temporary folder for each test
// file, so no test writes into the home folder of whoever runs it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const dataHome = mkdtempSync(join(tmpdir(), "nd-data-home-"));
process.env.XDG_DATA_HOME = dataHome;
afterAll(() => rmSync(dataHome, { recursive: true, force: true }));
