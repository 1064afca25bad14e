import { gen2WatPlugin } from "@nd/testing";
import { expect, test } from "vitest";
import { hasSection } from "../src/loading/wasm-sections.js";

const START_SECTION = 8;

// A spare instance is made ahead of a call only when instantiating runs none of the plugin's code.
test("a module's start function is found, so such a module is never instantiated ahead of a call", () => {
  const plain = gen2WatPlugin(`(func (export "nd_test") (result i32) (i32.const 0))`);
  const starting = gen2WatPlugin(`(func $boot) (start $boot) (func (export "nd_test") (result i32) (i32.const 0))`);
  expect(hasSection(plain, START_SECTION)).toBe(false);
  expect(hasSection(starting, START_SECTION)).toBe(true);
});
