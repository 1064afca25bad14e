export { runCli, type RunCliOptions } from "./cli.js";
export type { CliIo, OutputStream } from "./io.js";
export { CliError, type CliErrorKind } from "./errors.js";
export { loadConfig, parseConfig, type HostConfig, type StoreSettings, type SubsonicServerConfig } from "./config.js";
export { startServer, type RunningServer, type ServerOptions } from "./serve/server.js";
export { DEFAULT_PORT, DEFAULT_PORT_ATTEMPTS } from "./serve/listen.js";
export { startDemo, type DemoOptions, type RunningDemo } from "./demo/demo.js";
export type { DemoSubsonic } from "./demo/subsonic.js";
