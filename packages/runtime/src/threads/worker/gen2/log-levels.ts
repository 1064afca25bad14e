/** Extism's log levels, as `get_log_level` answers them; "off" is the largest i32. */
export const LOG_LEVELS = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 2147483647 } as const;

export type KernelLogLevel = Exclude<keyof typeof LOG_LEVELS, "off">;
export type PluginLogLevel = keyof typeof LOG_LEVELS;
