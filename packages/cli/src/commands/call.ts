import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CAPABILITIES, CAPABILITY_NAMES, type CapabilityName } from "@nd/protocol";
import { PluginError, type PluginManager } from "@nd/runtime";
import type { Command } from "commander";
import { readBoundedText } from "../bounded-text.js";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure, usageError } from "../errors.js";
import { writeJson, writeLine, type CliIo } from "../io.js";
import { warnOfInitError, withSinglePlugin } from "../manager.js";
import { checkPathArgument } from "../path-arguments.js";
import type { HostConfig } from "../config.js";
import { gen2ClientMethod } from "../gen2-client-call.js";
import { findInstalled, type InstalledPlugin } from "../plugins-folder.js";
import { requestFromJson, resolveMethod } from "../methods.js";

/** A request larger than this is refused, from a file or standard input alike. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export function callCommand(io: CliIo): Command {
  return defineCommand({
    name: "call",
    summary: "call one capability method (generation 1) or any export (--export) of an installed plugin and print the response",
    example: `nd plugin call my-plugin MetadataAgent.GetArtistBiography '{"id":"1","name":"Nina Simone"}'\n  nd plugin call my-gen2-plugin --export nd_get_artist_biography '{"id":"1","name":"Nina Simone"}'`,
  })
    .argument("<name>", "the plugin's name (generation 2: its ID)")
    .argument("[method]", `Capability.Method, e.g. MetadataAgent.GetArtistMBID (capabilities: ${CAPABILITY_NAMES.join(", ")}); left out with --export`)
    .argument("[request]", "the request (the protobuf JSON mapping; with --export, the raw input); - reads it from standard input, @file from a file", "{}")
    .option("--export <export>", "call this export with the raw input as is and print its raw output (generation 2: any nd_* export)")
    .action(async (name: string, target: string | undefined, requestArgument: string, options: { export?: string }, command: Command) => {
      if (options.export !== undefined) {
        if (target !== undefined && requestArgument !== "{}") throw usageError("with --export, give the plugin and at most one input, not a method");
        const input = await requestText(io, target ?? "{}");
        const output = await calling(io, command, name, (manager, plugin) => manager.callExport(plugin.name, options.export!, input));
        writeLine(io.stdout, new TextDecoder().decode(output));
        return;
      }
      if (target === undefined) throw usageError("give Capability.Method, or --export <export>");
      const { capability, method } = resolveMethod(target);
      const request = parseRequest(await requestText(io, requestArgument), capability, method);
      const response = await calling(io, command, name, (manager, plugin) => {
        if (plugin.generation !== 2) return manager.call(plugin.name, capability, method, request);
        const call = gen2ClientMethod(manager, plugin.name, capability, method);
        if (!call) throw failure(`plugin ${plugin.name} is a generation-2 plugin without ${capability}.${method}; call one of its exports with --export`);
        return call(request);
      });
      writeJson(io.stdout, CAPABILITIES[capability].methods[method]!.responseType.toJSON(response));
    });
}

/** Loads the plugin alone, as a host would, and runs one call on it; a plugin's failure is one line naming it. */
async function calling<T>(io: CliIo, command: Command, name: string, call: (manager: PluginManager, plugin: InstalledPlugin) => Promise<T>): Promise<T> {
  const context = await contextOf(io, command);
  const plugin = await findInstalled(context.folder, name);
  return withSinglePlugin(plugin, context.config, io, async (manager) => {
    const info = manager.list()[0];
    if (info?.state !== "loaded") throw failure(`plugin "${name}" failed to load: ${info?.error?.message ?? "unknown reason"}`);
    warnOfInitError(io, info);
    try {
      return await call(manager, plugin);
    } catch (error) {
      // The message says what happened; the error's class name would only repeat it in code.
      if (error instanceof PluginError) throw failure(`plugin ${plugin.name}: ${error.message}${missingConfigHint(plugin, context.config)}`, error);
      throw error;
    }
  });
}

/**
 * A plugin that may read settings (it has the config permission) but has none: its failure may
 * well be a missing setting, and the user is told where settings go.
 */
function missingConfigHint(plugin: InstalledPlugin, config: HostConfig): string {
  const readsSettings = plugin.generation === 2 ? plugin.manifest?.config !== undefined : plugin.manifest?.permissions.config !== undefined;
  if (!readsSettings || Object.hasOwn(config.pluginConfig, plugin.name)) return "";
  return ` (no [PluginConfig.${plugin.name}] in the config, and it may read settings: give them in a TOML file with --config)`;
}

/** The request's JSON text: the argument itself, standard input for `-`, a file for `@path`. */
async function requestText(io: CliIo, argument: string): Promise<string> {
  if (argument === "-") {
    return readBoundedText(io.stdin, MAX_REQUEST_BYTES, () => usageError(`the request on standard input is larger than ${MAX_REQUEST_BYTES} bytes`));
  }
  if (!argument.startsWith("@")) return argument;
  const path = resolve(io.cwd, argument.slice(1));
  await checkPathArgument(path, "file", "request file");
  const bytes = await readFile(path);
  if (bytes.byteLength > MAX_REQUEST_BYTES) throw usageError(`request file ${path} is larger than ${MAX_REQUEST_BYTES} bytes`);
  return bytes.toString("utf8");
}

function parseRequest(json: string, capability: CapabilityName, method: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw usageError(`the request is not JSON: ${(error as Error).message}`);
  }
  return requestFromJson(capability, method, value);
}
