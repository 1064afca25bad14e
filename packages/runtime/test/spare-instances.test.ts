import { gen2WatPlugin } from "@nd/testing";
import { expect, test } from "vitest";
import { hasSection } from "../src/loading/wasm-sections.js";

const START_SECTION = 8;

// A spare instance is made ahead of a call at once when instantiating runs none of the plugin's
// code; a module with a start function is first watched in a call (gen2-fresh-instances.test.ts).
test("a module's start function is found", () => {
  const plain = gen2WatPlugin(`(func (export "nd_test") (result i32) (i32.const 0))`);
  const starting = gen2WatPlugin(`(func $boot) (start $boot) (func (export "nd_test") (result i32) (i32.const 0))`);
  expect(hasSection(plain, START_SECTION)).toBe(false);
  expect(hasSection(starting, START_SECTION)).toBe(true);
});
