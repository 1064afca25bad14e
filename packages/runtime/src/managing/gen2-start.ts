import type { PluginAccess, PluginCallbacks, PluginDescription } from "@nd/host-services";
import type { ManifestV2 } from "@nd/manifest";
import { gen2 } from "@nd/protocol";
import type { Gen2Plugin } from "../calling/gen2-plugin.js";
import { PluginError, PluginLoadError } from "../errors.js";
import type { Logger } from "../logger.js";

export type { PluginAccess };

/** WebSocket callbacks get a 30 s limit of their own, as in Navidrome. */
export const WEBSOCKET_CALLBACK_TIMEOUT_MS = 30_000;

interface Gen2Identity {
  readonly id: string;
  readonly manifest: ManifestV2;
  readonly config: Record<string, string>;
  readonly access: PluginAccess | undefined;
  readonly callbacks: PluginCallbacks;
}

/** How the host services know a generation-2 plugin: its ID, its display name, its grants and scopes. */
export function gen2Description({ id, manifest, config, access, callbacks }: Gen2Identity): PluginDescription {
  return { generation: 2, id, name: manifest.name, permissions: manifest.permissions ?? {}, ...(access && { access }), config, callbacks };
}

type CallExport = (exportName: string, input: Uint8Array, options?: { timeoutMs?: number }) => Promise<Uint8Array>;

/** Events of the host services, delivered to the plugin's `nd_*` callback exports; failures are logged. */
export function gen2Callbacks(id: string, logger: Logger, closed: () => boolean, call: CallExport): PluginCallbacks {
  const { Scheduler, WebSocket, TaskWorker } = gen2.CAPABILITIES;
  const deliver = (exportName: string, timeoutMs?: number) => async (request: object) => {
    if (closed()) return;
    try {
      await call(exportName, json(request), { timeoutMs });
    } catch (error) {
      logger.error(`plugin ${id}: ${exportName} failed: ${(error as Error).message}`, { plugin: id });
    }
  };
  return {
    // The scheduler hands over the payload as bytes; generation 2's request carries it as text.
    onSchedulerCallback: ({ scheduleId, payload, isRecurring }) =>
      deliver(Scheduler.callback)({ scheduleId, payload: new TextDecoder().decode(payload), isRecurring }),
    onTextMessage: deliver(WebSocket.onTextMessage, WEBSOCKET_CALLBACK_TIMEOUT_MS),
    onBinaryMessage: ({ connectionId, data }) =>
      deliver(WebSocket.onBinaryMessage, WEBSOCKET_CALLBACK_TIMEOUT_MS)({ connectionId, data: Buffer.from(data).toString("base64") }),
    onError: deliver(WebSocket.onError, WEBSOCKET_CALLBACK_TIMEOUT_MS),
    onClose: deliver(WebSocket.onClose, WEBSOCKET_CALLBACK_TIMEOUT_MS),
    onTaskExecute: async ({ queueName, taskId, payload, attempt }) => {
      const request = { queueName, taskId, payload: Buffer.from(payload).toString("base64"), attempt };
      const output = await call(TaskWorker.execute, json(request));
      return output.length === 0 ? "" : String(JSON.parse(new TextDecoder().decode(output)));
    },
  };
}

/** Runs `nd_on_init` with `{}` when exported; answers its error (the plugin stays loaded, as in Navidrome). */
export async function initializeGen2(plugin: Gen2Plugin): Promise<PluginError | undefined> {
  const onInit = gen2.CAPABILITIES.Lifecycle.onInit;
  if (!plugin.exports(onInit)) return undefined;
  try {
    await plugin.callExport(onInit, json({}));
    return undefined;
  } catch (error) {
    return error instanceof PluginError ? error : new PluginLoadError(plugin.name, String(error));
  }
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
