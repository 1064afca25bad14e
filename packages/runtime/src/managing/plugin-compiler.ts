import { basename, join } from "node:path";
import { readAnyNdp } from "@nd/ndp";
import { PluginError, PluginLoadError } from "../errors.js";
import { pluginIdOf, WASM_FILE, type PluginFolder } from "../loading/discovery.js";
import { compileGen2, packageManifestV2, readFolderManifestV2, type CompiledGen2Plugin } from "../loading/gen2-loader.js";
import { moduleGeneration } from "../loading/generation.js";
import type { ModuleCaps } from "../loading/module-caps.js";
import {
  compileModuleBytes,
  compileModuleFile,
  compilePlugin,
  readManifest,
  type CompiledModule,
  type CompiledPlugin,
} from "../loading/plugin-loader.js";
import type { Logger } from "../logger.js";
import type { PluginRecord } from "./plugin-records.js";

/** A plugin folder or package read and compiled, or the record of why it failed. */
export type Compiled = PluginRecord | CompiledPlugin | CompiledGen2Plugin;

/** What compiling needs from the manager: the module caps and where warnings go. */
export interface CompileContext {
  readonly caps: ModuleCaps;
  readonly logger: Logger;
}

/**
 * Reads and compiles one plugin folder or `.ndp` package, of either generation (read from
 * the module); never throws: a failure comes back as a record carrying its error.
 */
export async function compileFolder(folder: PluginFolder, context: CompileContext): Promise<Compiled> {
  if (folder.isPackage) return compilePackage(folder, context);
  const file = await compileModuleFile(folder, context.caps);
  const generation = "module" in file ? moduleGeneration(file.module) : 1;
  if (generation === 2 && "module" in file) return compileGen2Folder(folder, file, context);
  if (typeof generation === "string") {
    return { folder, error: new PluginLoadError(basename(folder.path), `${join(folder.filesPath, WASM_FILE)} ${generation}`) };
  }
  try {
    const manifest = await readManifest(folder, (message) => context.logger.warn(message, { folder: folder.path }));
    try {
      return compilePlugin(folder, manifest, file);
    } catch (error) {
      return { folder, manifest, error: asPluginError(manifest.name, error) };
    }
  } catch (error) {
    return { folder, error: asPluginError(basename(folder.path), error) };
  }
}

async function compileGen2Folder(folder: PluginFolder, file: CompiledModule, context: CompileContext): Promise<Compiled> {
  const id = pluginIdOf(folder);
  try {
    return compileGen2(folder, file, await readFolderManifestV2(folder, warnFor(folder, context.logger)));
  } catch (error) {
    return { generation: 2, id, folder, error: asPluginError(id, error) };
  }
}

/** A `<id>.ndp` package, read in place: generation 2 only (a generation-1 plugin is a folder). */
async function compilePackage(folder: PluginFolder, context: CompileContext): Promise<Compiled> {
  const id = pluginIdOf(folder);
  try {
    const ndp = await readAnyNdp(folder.path);
    if (ndp.generation !== 2) {
      throw new PluginLoadError(id, `${folder.path} holds a generation-1 plugin; generation-1 plugins are installed as folders (nd plugin install)`);
    }
    const file = await compileModuleBytes(ndp.wasm, `${folder.path}:${WASM_FILE}`, context.caps);
    if ("problem" in file) throw new PluginLoadError(id, file.problem);
    return compileGen2(folder, file, packageManifestV2(folder, ndp.manifest, warnFor(folder, context.logger)));
  } catch (error) {
    return { generation: 2, id, folder, error: asPluginError(id, error) };
  }
}

function warnFor(folder: PluginFolder, logger: Logger): (message: string) => void {
  return (message) => logger.warn(message, { plugin: pluginIdOf(folder), folder: folder.path });
}

/** A compiled plugin's record before it runs, or the record itself. */
export function asRecord(record: PluginRecord | CompiledPlugin | CompiledGen2Plugin): PluginRecord {
  if ("generation" in record && record.generation === 2) {
    return { generation: 2, id: record.id, folder: record.folder, manifest: record.manifest };
  }
  return { folder: record.folder, manifest: record.manifest as PluginRecord["manifest"] & CompiledPlugin["manifest"] } as PluginRecord;
}

export function asPluginError(plugin: string, error: unknown): PluginError {
  return error instanceof PluginError ? error : new PluginLoadError(plugin, (error as Error).message ?? String(error));
}
