import type { PluginHostServices } from "@nd/host-services";
import type { Manifest } from "@nd/manifest";
import { CAPABILITIES, encodeMessage, type CapabilityName, type MessageCodec } from "@nd/protocol";
import { PluginNotImplementedError } from "../errors.js";
import { CallGate } from "./call-gate.js";
import type { CallResultKind, Metrics } from "./metrics.js";
import { callFailure, pluginAnswerError, resultKindOf } from "./plugin-errors.js";
import type { WorkerPool } from "../threads/worker-pool.js";
import type { CallOutcome, PluginImage } from "../threads/worker/messages.js";

export interface PluginSettings {
  readonly callTimeoutMs: number;
  readonly maxInstances: number;
  /** Calls waiting for one of the `maxInstances`; one more is refused with PluginBusyError. */
  readonly maxQueued: number;
  readonly memoryLimitBytes: number;
}

// Built once per method: a fresh string per call costs the metrics map a hash each time.
const labels = new WeakMap<object, string>();

function labelOf(capabilityName: CapabilityName, method: { readonly name: string }): string {
  let label = labels.get(method);
  if (label === undefined) labels.set(method, (label = `${capabilityName}.${method.name}`));
  return label;
}

/** What every plugin version shares: the workers, the metrics and the limits. */
export interface PluginRuntime {
  readonly pool: WorkerPool;
  readonly metrics: Metrics;
  readonly settings: PluginSettings;
}

/** One loaded version of a plugin: its compiled module, services and call path. */
export class Plugin {
  readonly generation = 1;
  private readonly gate: CallGate;

  constructor(
    readonly manifest: Manifest,
    readonly image: PluginImage,
    private readonly exportNames: ReadonlySet<string>,
    readonly services: PluginHostServices,
    private readonly runtime: PluginRuntime,
  ) {
    this.gate = new CallGate(image.pluginId, manifest.name, runtime);
  }

  get id(): string {
    return this.image.pluginId;
  }

  get name(): string {
    return this.manifest.name;
  }

  implements(capability: CapabilityName): boolean {
    return this.manifest.capabilities.includes(capability);
  }

  /**
   * Calls one capability method with a request (missing fields take their defaults)
   * and resolves with the decoded response, or rejects with a PluginError.
   */
  async call(capabilityName: CapabilityName, methodName: string, request: unknown = {}): Promise<unknown> {
    const method = CAPABILITIES[capabilityName].methods[methodName];
    if (!method) throw new TypeError(`${capabilityName} has no method ${methodName}`);
    const label = labelOf(capabilityName, method);
    if (!this.implements(capabilityName)) {
      const declared = this.manifest.capabilities.join(", ") || "none";
      throw new PluginNotImplementedError(this.name, `${label}: ${this.name} does not declare ${capabilityName} in its manifest's capabilities (it declares ${declared})`);
    }
    if (!this.exportNames.has(method.exportName)) {
      throw new PluginNotImplementedError(this.name, `${label} is not implemented (${this.name} does not export ${method.exportName})`);
    }
    const bytes = encodeMessage(method.requestType, method.requestType.fromPartial(request));
    const started = performance.now();
    const outcome = await this.run(method.exportName, bytes);
    try {
      const response = this.answerOf(label, method.responseType, outcome);
      this.record(label, started, "ok");
      return response;
    } catch (error) {
      this.record(label, started, outcome.type === "timeout" ? "timeout" : resultKindOf(error));
      throw error;
    }
  }

  /** Calls a no-argument export such as `<prefix>api_version` (a load check, left out of the metrics). */
  async callNumber(exportName: string): Promise<CallOutcome> {
    return this.run(exportName, undefined);
  }

  /** Resolves when no call of this version is running or waiting. */
  idle(): Promise<void> {
    return this.gate.idle();
  }

  /** The decoded response, or the error the plugin answered or the call ended with. */
  private answerOf(label: string, responseType: MessageCodec<unknown>, outcome: CallOutcome): unknown {
    if (outcome.type !== "ok") throw callFailure(this.name, label, outcome, this.runtime.settings.callTimeoutMs);
    const response = responseType.decode(outcome.bytes) as { error?: unknown };
    if (typeof response.error === "string" && response.error !== "") {
      throw pluginAnswerError(this.name, label, response.error);
    }
    return response;
  }

  private record(label: string, started: number, result: CallResultKind): void {
    this.runtime.metrics.record(this.name, label, performance.now() - started, result);
  }

  private run(exportName: string, request: Uint8Array | undefined): Promise<CallOutcome> {
    return this.gate.run(exportName, request);
  }
}
