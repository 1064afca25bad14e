import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CliError } from "../errors.js";

/** nd's own port: not Navidrome's 4533, so nd runs next to a Navidrome on the same machine. */
export const DEFAULT_PORT = 4538;
/** Without --port, the ports tried from DEFAULT_PORT upwards before giving up. */
export const DEFAULT_PORT_ATTEMPTS = 10;
const NAVIDROME_PORT = 4533;

/**
 * Binds `server`: to `port` when one was chosen (a port taken is an error naming --port),
 * else to the first free port from DEFAULT_PORT on. Resolves with the port bound.
 */
export async function listenOn(server: Server, host: string, port: number | undefined): Promise<number> {
  if (port !== undefined) return listenOrExplain(server, host, port);
  for (let candidate = DEFAULT_PORT; candidate < DEFAULT_PORT + DEFAULT_PORT_ATTEMPTS; candidate++) {
    try {
      return await listen(server, host, candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw explain(error, host, candidate);
    }
  }
  const last = DEFAULT_PORT + DEFAULT_PORT_ATTEMPTS - 1;
  throw new CliError("config", `ports ${DEFAULT_PORT} to ${last} on ${host} are all taken; choose a port with --port (--port 0: any free port)`);
}

async function listenOrExplain(server: Server, host: string, port: number): Promise<number> {
  try {
    return await listen(server, host, port);
  } catch (error) {
    throw explain(error, host, port);
  }
}

function explain(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    const navidrome = port === NAVIDROME_PORT ? " (Navidrome's default port)" : "";
    return new CliError("config", `port ${port}${navidrome} on ${host} is taken by another program; choose another with --port (--port 0: any free port)`, { cause: error });
  }
  if (code === "EACCES") return new CliError("config", `port ${port} on ${host} needs privileges nd does not have; choose a port above 1023 with --port`, { cause: error });
  if (code === "EADDRNOTAVAIL") return new CliError("config", `${host} is not an address of this machine; choose another with --host`, { cause: error });
  return error;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
