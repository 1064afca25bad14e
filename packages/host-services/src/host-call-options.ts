/** What a runtime passes with one host call besides its request. */
export interface HostCallOptions {
  /**
   * Aborted when the plugin call that made this host call ends (its deadline passed, or the
   * host shuts down): pending work such as an HTTP request or a WebSocket handshake stops.
   */
  readonly signal?: AbortSignal;
}
