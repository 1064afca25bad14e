/**
 * The network and cron libraries, imported only once a plugin that needs them is loaded:
 * a host whose plugins hold no http, websocket or scheduler permission never loads them
 * (undici alone is over a hundred files). A service starts the import when it is created,
 * so it is done by the time the plugin's first host call needs it.
 */
type Undici = typeof import("undici");
type Ws = typeof import("ws");
type NodeCron = typeof import("node-cron");

let undici: Promise<Undici> | undefined;
let loadedUndici: Undici | undefined;
let ws: Promise<Ws> | undefined;
let cron: Promise<NodeCron> | undefined;

export function loadUndici(): Promise<Undici> {
  return (undici ??= import("undici").then((module) => (loadedUndici = module)));
}

/** undici, once `loadUndici()` has resolved. */
export function undiciLoaded(): Undici {
  if (!loadedUndici) throw new Error("undici is used before loadUndici() resolved");
  return loadedUndici;
}

export function loadWs(): Promise<Ws> {
  return (ws ??= import("ws"));
}

export function loadCron(): Promise<NodeCron> {
  return (cron ??= import("node-cron"));
}
