import { expect, test } from "vitest";
import { CommandDeadlines } from "../src/store/command-deadlines.js";

test("a command answered in time passes its answer or error through; one never answered fails after the timeout", async () => {
  const deadlines = new CommandDeadlines(50);
  const never = deadlines.guard(new Promise<string>(() => {}));
  const answered = deadlines.guard(Promise.resolve("pong"));
  const failed = deadlines.guard(Promise.reject(new Error("WRONGTYPE")));
  expect(await answered).toBe("pong");
  await expect(failed).rejects.toThrow("WRONGTYPE");
  await expect(never).rejects.toThrow("no answer within 50 ms");
});

test("each command gets its own full timeout, even when it starts after older ones", async () => {
  const deadlines = new CommandDeadlines(200);
  const order: string[] = [];
  const first = deadlines.guard(new Promise<void>(() => {})).catch(() => order.push("first timed out"));
  await new Promise((resolve) => setTimeout(resolve, 100));
  let answer!: (value: string) => void;
  const second = deadlines.guard(new Promise<string>((resolve) => (answer = resolve)));
  await first;
  order.push("second still pending");
  answer("late but in time");
  order.push(await second);
  expect(order).toEqual(["first timed out", "second still pending", "late but in time"]);
});
