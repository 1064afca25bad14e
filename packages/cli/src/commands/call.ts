import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CAPABILITIES, CAPABILITY_NAMES, type CapabilityName } from "@nd/protocol";
import { PluginError } from "@nd/runtime";
import type { Command } from "commander";
import { readBoundedText } from "../bounded-text.js";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure, usageError } from "../errors.js";
import { writeJson, type CliIo } from "../io.js";
import { warnOfInitError, withSinglePlugin } from "../manager.js";
import { checkPathArgument } from "../path-arguments.js";
import type { HostConfig } from "../config.js";
import { findInstalled, type InstalledPlugin } from "../plugins-folder.js";
import { requestFromJson, resolveMethod } from "../methods.js";

/** A request larger than this is refused, from a file or standard input alike. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export function callCommand(io: CliIo): Command {
  return defineCommand({
    name: "call",
    summary: "call one capability method of an installed plugin with a JSON request and print the JSON response",
    example: `nd plugin call my-plugin MetadataAgent.GetArtistBiography '{"id":"1","name":"Nina Simone"}'`,
  })
    .argument("<name>", "the plugin's name")
    .argument("<method>", `Capability.Method, e.g. MetadataAgent.GetArtistMBID (capabilities: ${CAPABILITY_NAMES.join(", ")})`)
    .argument("[request]", "the request in the protobuf JSON mapping; - reads it from standard input, @file from a file", "{}")
    .action(async (name: string, target: string, requestArgument: string, _options, command: Command) => {
      const { capability, method } = resolveMethod(target);
      const request = parseRequest(await requestText(io, requestArgument), capability, method);
      const context = await contextOf(io, command);
      const plugin = await findInstalled(context.folder, name);
      const response = await withSinglePlugin(plugin.path, plugin.name, context.config, io, async (manager) => {
        const info = manager.list()[0];
        if (info?.state !== "loaded") throw failure(`plugin "${name}" failed to load: ${info?.error?.message ?? "unknown reason"}`);
        warnOfInitError(io, info);
        try {
          return await manager.call(plugin.name, capability, method, request);
        } catch (error) {
          // The message says what happened; the error's class name would only repeat it in code.
          if (error instanceof PluginError) throw failure(`plugin ${plugin.name}: ${error.message}${missingConfigHint(plugin, context.config)}`, error);
          throw error;
        }
      });
      writeJson(io.stdout, CAPABILITIES[capability].methods[method]!.responseType.toJSON(response));
    });
}

/**
 * A plugin that may read settings (it has the config permission) but has none: its failure may
 * well be a missing setting, and the user is told where settings go.
 */
function missingConfigHint(plugin: InstalledPlugin, config: HostConfig): string {
  if (plugin.manifest?.permissions.config === undefined || Object.hasOwn(config.pluginConfig, plugin.name)) return "";
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
