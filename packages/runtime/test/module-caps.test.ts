import { watPlugin } from "@nd/testing";
import { describe, expect, test } from "vitest";
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
