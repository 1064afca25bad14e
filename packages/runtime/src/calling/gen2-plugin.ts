import type { PluginHostServices } from "@nd/host-services";
import type { ManifestV2 } from "@nd/manifest";
import { gen2 } from "@nd/protocol";
import { PluginCallError, PluginNotFoundError, PluginNotImplementedError } from "../errors.js";
import type { CallOutcome, PluginImage } from "../threads/worker/messages.js";
import { CallGate } from "./call-gate.js";
import type { CallResultKind } from "./metrics.js";
import type { PluginRuntime } from "./plugin.js";
import { callFailure, resultKindOf } from "./plugin-errors.js";

/**
 * One loaded version of a generation-2 plugin. Every call runs on a fresh instance; its
 * identity is the plugin ID (folder or file name), which names it in errors and metrics.
 */
export class Gen2Plugin {
  readonly generation = 2;
  private readonly gate: CallGate;

  constructor(
    /** The plugin ID: the folder's or the `.ndp` file's name. */
    readonly name: string,
    readonly manifest: ManifestV2,
    readonly image: PluginImage,
    readonly exportNames: ReadonlySet<string>,
    readonly services: PluginHostServices,
    private readonly runtime: PluginRuntime,
  ) {
    this.gate = new CallGate(image.pluginId, name, runtime);
  }

  get id(): string {
    return this.image.pluginId;
  }

  get capabilities(): gen2.CapabilityName[] {
    return gen2.detectCapabilities(this.exportNames);
  }

  exports(exportName: string): boolean {
    return this.exportNames.has(exportName);
  }

  /**
   * Calls an export with `input` and resolves with its output bytes. The plugin's error
   * text wins over the return code; -2 is PluginNotImplementedError, a missing export
   * PluginNotFoundError (neither counted in the metrics).
   */
  async callExport(exportName: string, input: Uint8Array, options: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    if (!this.exportNames.has(exportName)) {
      throw new PluginNotFoundError(this.name, `function not found: ${exportName} (${this.name} does not export it)`);
    }
    const started = performance.now();
    const outcome = await this.gate.run(exportName, input, options.timeoutMs);
    try {
      const output = this.outputOf(exportName, outcome);
      this.record(exportName, started, "ok");
      return output;
    } catch (error) {
      this.record(exportName, started, outcome.type === "timeout" ? "timeout" : resultKindOf(error));
      throw error;
    }
  }

  /** Resolves when no call of this version is running or waiting. */
  idle(): Promise<void> {
    return this.gate.idle();
  }

  private outputOf(exportName: string, outcome: CallOutcome): Uint8Array {
    if (outcome.type === "ok") return outcome.bytes;
    if (outcome.type === "plugin-error") throw new PluginCallError(this.name, `plugin call failed: ${outcome.message}`);
    if (outcome.type === "missing-export") throw new PluginNotFoundError(this.name, `function not found: ${exportName}`);
    if (outcome.type === "number") {
      if (outcome.value === gen2.RETURN_CODES.notImplemented) {
        throw new PluginNotImplementedError(this.name, `${exportName}: function not implemented`);
      }
      throw new PluginCallError(this.name, `${exportName}: plugin call exited with code ${outcome.value >>> 0}`);
    }
    throw callFailure(this.name, exportName, outcome, this.runtime.settings.callTimeoutMs);
  }

  /** "Not implemented" (-2) and "not found" (no such export) are not recorded, as in Navidrome. */
  private record(exportName: string, started: number, result: CallResultKind): void {
    if (result === "not_found" || result === "not_implemented") return;
    this.runtime.metrics.record(this.name, exportName, performance.now() - started, result);
  }
}
