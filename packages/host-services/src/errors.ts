/** What went wrong, for code that branches on errors rather than reading messages. */
export type HostServicesErrorKind =
  | "configuration"
  | "permission"
  | "host-call"
  | "network-refused"
  | "artwork-token"
  | "service"
  | "closed";

/** Base class of every error this package throws. */
export class HostServicesError extends Error {
  readonly kind: HostServicesErrorKind;

  constructor(kind: HostServicesErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }
}

/** Host services used after `close()`. */
export class ServicesClosedError extends HostServicesError {
  constructor(message: string) {
    super("closed", message);
  }
}

/**
 * Invalid host options, an invalid permission scope (for example a malformed `allowedUrls` pattern),
 * or a shared cache handle or thread id that cannot be right.
 */
export class ConfigurationError extends HostServicesError {
  constructor(message: string, options?: ErrorOptions) {
    super("configuration", message, options);
  }
}

/** A plugin called a host function whose permission it was not granted. */
export class PermissionError extends HostServicesError {
  readonly importName: string;
  readonly permission: string;

  /** `module` is the import module: "env" for generation 1, "extism:host/user" for generation 2. */
  constructor(pluginName: string, importName: string, permission: string, module = "env") {
    super(
      "permission",
      `plugin "${pluginName}" called ${module}.${importName}, which needs the "${permission}" permission; ` +
        `add "${permission}": {} to the permissions of its manifest.json`,
    );
    this.importName = importName;
    this.permission = permission;
  }
}

/** A wire-level call that cannot be served: unknown import name or request bytes that do not decode. */
export class HostCallError extends HostServicesError {
  readonly importName: string;

  constructor(importName: string, message: string, options?: ErrorOptions) {
    super("host-call", message, options);
    this.importName = importName;
  }
}

/** A connection refused by the network policy: a local address, a scheme or a URL outside `allowedUrls`. */
export class NetworkRefusedError extends HostServicesError {
  constructor(message: string) {
    super("network-refused", message);
  }
}

/** An artwork token that is malformed, signed with another secret or altered. */
export class ArtworkTokenError extends HostServicesError {
  constructor(message: string) {
    super("artwork-token", message);
  }
}

/**
 * A generation-2 host function that failed as a service (a refused request, an unknown id, a
 * field of the wrong type): the plugin receives `{"error": message}`, not a trap.
 */
export class ServiceError extends HostServicesError {
  constructor(message: string, options?: ErrorOptions) {
    super("service", message, options);
  }
}

/**
 * Why a kvstore or task queue request failed: `unavailable` (the store cannot be reached in time),
 * `limit` (a quota or cap), `invalid` (a bad key, name or payload), `not-found`, `conflict`.
 * A service failure: the plugin receives `{"error": message}`.
 */
export type StoreErrorReason = "unavailable" | "limit" | "invalid" | "not-found" | "conflict";

export class StoreError extends ServiceError {
  readonly reason: StoreErrorReason;

  constructor(reason: StoreErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}
