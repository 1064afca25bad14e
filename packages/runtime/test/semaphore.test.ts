import { expect, test } from "vitest";
import { Semaphore } from "../src/calling/semaphore.js";

test("waiters get permits in arrival order, across the queue's compaction, and idle resolves at the end", async () => {
  const semaphore = new Semaphore(2);
  const order: number[] = [];
  const holders = Array.from({ length: 3000 }, async (_, i) => {
    await semaphore.acquire();
    order.push(i);
    await Promise.resolve();
    semaphore.release();
  });
  let idle = false;
  void semaphore.idle().then(() => (idle = true));
  await Promise.all(holders);
  await Promise.resolve();
  expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  expect(idle).toBe(true);
  expect(semaphore.tryAcquire()).toBe(true);
  expect(semaphore.tryAcquire()).toBe(true);
  expect(semaphore.tryAcquire()).toBe(false);
});
