/** Raised inside host functions to stop the plugin's call; the instance is then thrown away. */
export class TrapError extends Error {
  override name = "TrapError";
}

/** The plugin called WASI proc_exit. */
export class ExitError extends TrapError {
  constructor(readonly code: number) {
    super(`the plugin exited with code ${code}`);
  }
}

/** The plugin went past a host limit (an answer that decodes to too much, an oversized host call request). */
export class LimitError extends TrapError {
  override name = "LimitError";
}
