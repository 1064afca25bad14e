import { watPlugin } from "@nd/testing";
import { describe, expect, test } from "vitest";
import { checkPluginModule } from "../src/loading/module-check.js";
import { capModule } from "../src/loading/module-caps.js";
import { ModuleCapError } from "../src/loading/wasm-sections.js";

/** A plugin module (two pages of memory) with `source` added. */
const wasm = (source: string) => watPlugin(source);

/** The module capped, instantiated, with the exported tables it has. */
function cappedTables(source: string, maxTableElements: number): WebAssembly.Table[] {
  const module = new WebAssembly.Module(capModule(wasm(source), { memoryLimitBytes: 1 << 20, maxTableElements }));
  const { exports } = new WebAssembly.Instance(module);
  return Object.values(exports).filter((value): value is WebAssembly.Table => value instanceof WebAssembly.Table);
}

/** Grows a table one entry at a time until the engine refuses; answers its final length. */
function growToTheEnd(table: WebAssembly.Table): number {
  for (;;) {
    try {
      table.grow(1);
    } catch {
      return table.length;
    }
  }
}

describe("table caps", () => {
  test("tables without a maximum share what their initial sizes leave of the cap", () => {
    const tables = cappedTables(
      `(table (export "a") 10 externref) (table (export "b") 5 funcref) (table (export "c") 0 externref)`,
      100,
    );
    expect(tables.map(growToTheEnd)).toEqual([10 + 28, 5 + 28, 0 + 28]);
  });

  test("a declared maximum below the cap is kept", () => {
    const [table] = cappedTables(`(table (export "t") 1 8 externref)`, 100);
    expect(growToTheEnd(table!)).toBe(8);
  });

  test("tables asking for more initial entries than the cap are refused, saying so", () => {
    const module = wasm(`(table 60 externref) (table 50 funcref)`);
    expect(() => capModule(module, { memoryLimitBytes: 1 << 20, maxTableElements: 100 })).toThrow(
      new ModuleCapError("the module's tables ask for 110 initial elements, above the cap of 100 elements"),
    );
  });

  test("a module with more than 64 tables is refused", () => {
    const module = wasm(Array.from({ length: 65 }, () => "(table 0 externref)").join(" "));
    expect(() => capModule(module, { memoryLimitBytes: 1 << 20, maxTableElements: 100 })).toThrow(
      "the module declares 65 tables, more than the 64 allowed",
    );
  });

  test("the memory is capped in the same pass", () => {
    const module = new WebAssembly.Module(
      capModule(wasm(`(table 1 funcref)`), { memoryLimitBytes: 3 * 65536, maxTableElements: 4 }),
    );
    const memory = new WebAssembly.Instance(module).exports.memory as WebAssembly.Memory;
    expect(memory.grow(1)).toBe(2);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });
});

describe("checkPluginModule", () => {
  const manifest = {
    name: "wide",
    author: "me",
    version: "1.0.0",
    description: "wide tables",
    capabilities: ["MetadataAgent" as const],
    permissions: {},
  };

  test("reports tables that do not fit the caps, the manager's defaults unless given", async () => {
    expect(await checkPluginModule(wasm(`(table 300000 funcref)`), manifest)).toEqual([
      "plugin.wasm does not fit the host's caps: the module's tables ask for 300000 initial elements, above the cap of 262144 elements",
    ]);
    expect(await checkPluginModule(wasm(`(table 300000 funcref)`), manifest, { memoryLimitBytes: 1 << 20, maxTableElements: 300_000 })).toEqual([]);
  });

  test("a file that is not WebAssembly is reported by the compiler", async () => {
    const [problem] = await checkPluginModule(new TextEncoder().encode("\0asm but not really"), manifest);
    expect(problem).toMatch(/^plugin\.wasm is not a valid WebAssembly module: /);
  });
});
