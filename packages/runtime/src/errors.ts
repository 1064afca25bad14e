/** Every error the runtime produces; `kind` tells them apart without instanceof. */
export type PluginErrorKind =
  | "PluginLoadError"
  | "PermissionError"
  | "PluginTimeoutError"
  | "PluginTrapError"
  | "PluginMemoryError"
  | "PluginCallError"
  | "PluginNotFoundError"
  | "PluginNotImplementedError"
  | "PluginUnavailableError"
  | "PluginLimitError"
  | "PluginBusyError";

export abstract class PluginError extends Error {
  abstract readonly kind: PluginErrorKind;
  constructor(
    /** The plugin's manifest name, or its folder when the manifest could not be read. */
    readonly plugin: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The plugin could not be loaded: bad manifest, invalid module, duplicate name... */
export class PluginLoadError extends PluginError {
  readonly kind = "PluginLoadError";
}

/** The module imports a host function its manifest does not grant. */
export class PermissionError extends PluginError {
  readonly kind = "PermissionError";
}

/** The call ran past its deadline; the plugin was stopped. */
export class PluginTimeoutError extends PluginError {
  readonly kind = "PluginTimeoutError";
}

/** The plugin trapped (crashed) or broke the wire contract, e.g. returned garbage. */
export class PluginTrapError extends PluginError {
  readonly kind = "PluginTrapError";
}

/** The instance tried to grow its memory past the cap. */
export class PluginMemoryError extends PluginError {
  readonly kind = "PluginMemoryError";
}

/** The plugin answered with an error of its own; `message` is the plugin's text. */
export class PluginCallError extends PluginError {
  readonly kind = "PluginCallError";
}

/** The plugin answered `plugin:not_found`: it has no answer for this request. */
export class PluginNotFoundError extends PluginError {
  readonly kind = "PluginNotFoundError";
}

/** The plugin does not implement the method (`plugin:not_implemented` or no export). */
export class PluginNotImplementedError extends PluginError {
  readonly kind = "PluginNotImplementedError";
}

/** The plugin is not loaded (unknown name, failed, or the manager is closed). */
export class PluginUnavailableError extends PluginError {
  readonly kind = "PluginUnavailableError";
}

/** The plugin went past a host limit (its answer was larger than `maxResultBytes`); the instance was thrown away. */
export class PluginLimitError extends PluginError {
  readonly kind = "PluginLimitError";
}

/** The plugin already has `maxQueuedCallsPerPlugin` calls waiting; the call was refused without running. */
export class PluginBusyError extends PluginError {
  readonly kind = "PluginBusyError";
}
