import { HostCallError, HostServicesError, PermissionError, ServicesClosedError } from "../errors.js";
import type { HostCallOptions } from "../host-call-options.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
import { encodeError, encodeSuccess, parseRequest } from "./json-envelope.js";

/** Errors that fail the host call itself; every other error is the service's answer, `{"error"}`. */
const isCallFailure = (error: unknown) =>
  error instanceof HostCallError || error instanceof PermissionError || error instanceof ServicesClosedError;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs one user function on its JSON request and answers its JSON envelope, in whichever thread calls it. */
export async function runUserFunction(
  fn: UserFunction,
  services: Gen2Services,
  importName: string,
  request: Uint8Array,
  options: HostCallOptions,
): Promise<Uint8Array> {
  const parsed = parseRequest(importName, request);
  try {
    return encodeSuccess(await fn(services, parsed, options));
  } catch (error) {
    if (isCallFailure(error)) throw error;
    if (!(error instanceof HostServicesError)) {
      services.logger.debug(`plugin ${services.pluginId}: ${importName} failed`, { error: errorText(error) });
    }
    return encodeError(errorText(error));
  }
}
