/**
 * Idle instances must not pin large memories. An instance whose linear memory grew past
 * the image's `maxIdleMemoryBytes` (trapped or not) is not kept after its call, and its
 * memory is handed back once the call's result is written: V8 frees a WebAssembly memory
 * only when a full garbage collection finds it unreachable, and a worker that sleeps
 * between calls allocates too little to start one.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { PluginInstance } from "./plugin-instance.js";
import type { PluginImage } from "./messages.js";
import { WORKER_RESOURCE_LIMITS } from "../worker-limits.js";

const HEAP_HIGH_WATER_BYTES = (WORKER_RESOURCE_LIMITS.maxOldGenerationSizeMb! / 2) * 1024 * 1024;

/**
 * The heap is read at most this often: reading it costs a few µs, about what a small call
 * does, and in a millisecond a worker keeps only the few instances its calls leave.
 */
const HEAP_CHECK_EVERY_MS = 1;

let droppedLargeMemory = false;
let heapCheckedAt = -Infinity;

function heapCheckDue(): boolean {
  const now = performance.now();
  if (now - heapCheckedAt < HEAP_CHECK_EVERY_MS) return false;
  heapCheckedAt = now;
  return true;
}

/** Whether the instance may wait for the next call; a trapped one never does, nor one past the limit. */
export function keepsIdle(instance: PluginInstance, image: PluginImage): boolean {
  if (instance.memoryBytes > image.maxIdleMemoryBytes) {
    droppedLargeMemory = true;
    return false;
  }
  return instance.healthy;
}

/** An instance thrown away after its call (generation 2's are, always): a large one's memory is freed soon. */
export function noteDropped(memoryBytes: number, image: PluginImage): void {
  if (memoryBytes > image.maxIdleMemoryBytes) droppedLargeMemory = true;
}

/**
 * Called after each call, once no stack frame holds its instance: frees the memory of a
 * large instance just dropped. When the worker's heap is past half its limit, every kept
 * instance (idle, spare) is dropped too: their tables live on that heap, and a worker whose
 * heap runs out inside the engine takes the whole process down.
 */
export function relieveMemory(...kept: { clear(): void }[]): void {
  if (heapCheckDue() && getHeapStatistics().used_heap_size > HEAP_HIGH_WATER_BYTES) {
    for (const instances of kept) instances.clear();
    droppedLargeMemory = true;
  }
  if (!droppedLargeMemory) return;
  droppedLargeMemory = false;
  collectGarbage();
}

let fullCollection: (() => void) | undefined;

/** Runs a full garbage collection of this worker's heap (the flag exposes `gc` to contexts made after it). */
function collectGarbage(): void {
  if (!fullCollection) {
    setFlagsFromString("--expose-gc");
    fullCollection = runInNewContext("gc") as () => void;
  }
  fullCollection();
}
