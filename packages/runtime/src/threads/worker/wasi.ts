import { getRandomValues } from "node:crypto";
import { LogLines } from "./log-lines.js";
import type { PluginMemory } from "./plugin-memory.js";
import { ExitError } from "./trap.js";

/**
 * The WASI preview1 a plugin sees: no filesystem, no environment, no arguments;
 * clocks, randomness and sleeping work; stdout and stderr become log lines.
 * Any other WASI function answers ENOSYS.
 */
const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_INVAL = 28;
const ERRNO_NOSYS = 52;
const FILETYPE_CHARACTER_DEVICE = 2;
const CLOCK_REALTIME = 0;
const SUBSCRIPTION_BYTES = 48;
const EVENT_BYTES = 32;
const EVENTTYPE_CLOCK = 0;
const MAX_SLEEP_MS = 10_000;
const RANDOM_CHUNK = 65536;
/** `poll_oneoff` sleeps on this word, which nothing ever wakes: one per thread, not per instance. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export type StdStream = "stdout" | "stderr";

export function createWasi(
  memory: () => PluginMemory,
  writeLine: (stream: StdStream, line: string) => void,
): { imports: Record<string, (...args: never[]) => number | void>; flush(): void } {
  const output = { stdout: new LogLines((l) => writeLine("stdout", l)), stderr: new LogLines((l) => writeLine("stderr", l)) };

  const writeZeroes = (...ptrs: number[]): number => {
    for (const ptr of ptrs) memory().write(ptr, new Uint8Array(4));
    return ERRNO_SUCCESS;
  };

  const imports = {
    args_get: () => ERRNO_SUCCESS,
    args_sizes_get: (countPtr: number, sizePtr: number) => writeZeroes(countPtr, sizePtr),
    environ_get: () => ERRNO_SUCCESS,
    environ_sizes_get: (countPtr: number, sizePtr: number) => writeZeroes(countPtr, sizePtr),
    clock_res_get: (_id: number, resultPtr: number) => {
      memory().view().setBigUint64(memory().range(resultPtr, 8), 1000n, true);
      return ERRNO_SUCCESS;
    },
    clock_time_get: (id: number, _precision: bigint, resultPtr: number) => {
      memory().view().setBigUint64(memory().range(resultPtr, 8), now(id), true);
      return ERRNO_SUCCESS;
    },
    random_get: (ptr: number, len: number) => {
      for (let offset = 0; offset < len; offset += RANDOM_CHUNK) {
        const chunk = getRandomValues(new Uint8Array(Math.min(RANDOM_CHUNK, len - offset)));
        memory().write(ptr + offset, chunk);
      }
      return ERRNO_SUCCESS;
    },
    fd_write: (fd: number, iovs: number, iovsLen: number, writtenPtr: number) => {
      const stream = fd === 1 ? output.stdout : fd === 2 ? output.stderr : undefined;
      if (!stream) return ERRNO_BADF;
      const view = memory().view();
      let written = 0;
      for (let i = 0; i < iovsLen; i++) {
        const entry = memory().range(iovs + i * 8, 8);
        const bytes = memory().bytes(view.getUint32(entry, true), view.getUint32(entry + 4, true));
        stream.push(bytes);
        written += bytes.length;
      }
      view.setUint32(memory().range(writtenPtr, 4), written, true);
      return ERRNO_SUCCESS;
    },
    fd_fdstat_get: (fd: number, resultPtr: number) => {
      if (fd > 2) return ERRNO_BADF;
      const stat = new Uint8Array(24);
      stat[0] = FILETYPE_CHARACTER_DEVICE;
      memory().write(resultPtr, stat);
      return ERRNO_SUCCESS;
    },
    fd_prestat_get: () => ERRNO_BADF,
    fd_close: () => ERRNO_BADF,
    proc_exit: (code: number) => {
      throw new ExitError(code);
    },
    sched_yield: () => ERRNO_SUCCESS,
    poll_oneoff: (subscriptions: number, events: number, count: number, eventCountPtr: number) => {
      if (count === 0) return ERRNO_INVAL;
      const view = memory().view();
      let sleepNs = BigInt(Number.MAX_SAFE_INTEGER);
      let eventCount = 0;
      for (let i = 0; i < count; i++) {
        const sub = memory().range(subscriptions + i * SUBSCRIPTION_BYTES, SUBSCRIPTION_BYTES);
        if (view.getUint8(sub + 8) !== EVENTTYPE_CLOCK) continue;
        const timeout = view.getBigUint64(sub + 24, true);
        const isAbsolute = (view.getUint16(sub + 40, true) & 1) === 1;
        const relative = isAbsolute ? timeout - now(view.getUint32(sub + 16, true)) : timeout;
        if (relative < sleepNs) sleepNs = relative > 0n ? relative : 0n;
        const event = memory().range(events + eventCount * EVENT_BYTES, EVENT_BYTES);
        memory().write(event, new Uint8Array(EVENT_BYTES));
        view.setBigUint64(event, view.getBigUint64(sub, true), true);
        view.setUint8(event + 10, EVENTTYPE_CLOCK);
        eventCount++;
      }
      if (eventCount === 0) return ERRNO_NOSYS;
      Atomics.wait(sleeper, 0, 0, Math.min(Number(sleepNs / 1_000_000n), MAX_SLEEP_MS));
      view.setUint32(memory().range(eventCountPtr, 4), eventCount, true);
      return ERRNO_SUCCESS;
    },
  };

  const stubbed = new Proxy(imports as Record<string, (...args: never[]) => number | void>, {
    get: (target, name: string) => target[name] ?? (() => ERRNO_NOSYS),
  });
  return { imports: stubbed, flush: () => (output.stdout.flush(), output.stderr.flush()) };
}

function now(clockId: number): bigint {
  if (clockId === CLOCK_REALTIME) return BigInt(Date.now()) * 1_000_000n;
  return process.hrtime.bigint();
}
