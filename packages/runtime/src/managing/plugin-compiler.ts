import { basename, join } from "node:path";
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

/**
 * Reads a `.ndp` package in place: its parsed manifest.json and its plugin.wasm bytes. The
 * runtime does not read zip files itself (that is @nd/ndp's job, a layer below it): a host
 * that serves packages passes one, such as `readAnyNdp` of @nd/ndp.
 */
export type PackageReader = (path: string) => Promise<{ readonly manifest: unknown; readonly wasm: Uint8Array }>;

/** What compiling needs from the manager: the module caps, where warnings go, and how to read packages. */
export interface CompileContext {
  readonly caps: ModuleCaps;
  readonly logger: Logger;
  readonly readPackage?: PackageReader;
  /** A generation-2 plugin's config values before flattening, by ID, to check against its config form. */
  readonly configValues?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Reads and compiles one plugin folder or `.ndp` package, of either generation (read from
 * the module); never throws: a failure comes back as a record carrying its error.
 */
export async function compileFolder(folder: PluginFolder, context: CompileContext): Promise<Compiled> {
  if (folder.isPackage) return compilePackage(folder, context);
  const file = await compileModuleFile(folder, context.caps);
  if ("problem" in file) return moduleProblem(folder, file.problem);
  const generation = moduleGeneration(file.module);
  if (generation === 2) return compileGen2Folder(folder, file, context);
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

/**
 * A folder whose module does not compile: its generation is unknown, so the module's problem is
 * the error, under the manifest's name when it reads as a generation-1 manifest.
 */
async function moduleProblem(folder: PluginFolder, problem: string): Promise<Compiled> {
  const manifest = await readManifest(folder, () => {}).catch(() => undefined);
  if (manifest) return { folder, manifest, error: new PluginLoadError(manifest.name, problem) };
  return { folder, error: new PluginLoadError(basename(folder.path), problem) };
}

async function compileGen2Folder(folder: PluginFolder, file: CompiledModule, context: CompileContext): Promise<Compiled> {
  const id = pluginIdOf(folder);
  try {
    return compileGen2(folder, file, await readFolderManifestV2(folder, warnFor(folder, context.logger)), context.configValues?.[id]);
  } catch (error) {
    return { generation: 2, id, folder, error: asPluginError(id, error) };
  }
}

/** A `<id>.ndp` package, read in place: generation 2 only (a generation-1 plugin is a folder). */
async function compilePackage(folder: PluginFolder, context: CompileContext): Promise<Compiled> {
  const id = pluginIdOf(folder);
  try {
    if (!context.readPackage) {
      throw new PluginLoadError(id, `${folder.path} is a package, and this host reads none: give PluginManager the readPackage option (readAnyNdp of @nd/ndp)`);
    }
    const ndp = await context.readPackage(folder.path);
    const file = await compileModuleBytes(ndp.wasm, `${folder.path}:${WASM_FILE}`, context.caps);
    if ("problem" in file) throw new PluginLoadError(id, file.problem);
    if (moduleGeneration(file.module) !== 2) {
      throw new PluginLoadError(id, `${folder.path} holds a generation-1 plugin; generation-1 plugins are installed as folders (nd plugin install)`);
    }
    return compileGen2(folder, file, packageManifestV2(folder, ndp.manifest, warnFor(folder, context.logger)), context.configValues?.[id]);
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
