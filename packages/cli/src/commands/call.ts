import { CAPABILITIES, CAPABILITY_NAMES, type CapabilityName } from "@nd/protocol";
import { PluginError } from "@nd/runtime";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure, usageError } from "../errors.js";
import { writeJson, type CliIo } from "../io.js";
import { warnOfInitError, withSinglePlugin } from "../manager.js";
import { findInstalled } from "../plugins-folder.js";
import { requestFromJson, resolveMethod } from "../methods.js";

export function callCommand(io: CliIo): Command {
  return defineCommand({
    name: "call",
    summary: "call one capability method of an installed plugin with a JSON request and print the JSON response",
    example: `nd plugin call my-plugin MetadataAgent.GetArtistBiography '{"id":"1","name":"Nina Simone"}'`,
  })
    .argument("<name>", "the plugin's name")
    .argument("<method>", `Capability.Method, e.g. MetadataAgent.GetArtistMBID (capabilities: ${CAPABILITY_NAMES.join(", ")})`)
    .argument("[json]", "the request, in the protobuf JSON mapping", "{}")
    .action(async (name: string, target: string, json: string, _options, command: Command) => {
      const { capability, method } = resolveMethod(target);
      const request = parseRequest(json, capability, method);
      const context = await contextOf(io, command);
      const plugin = await findInstalled(context.folder, name);
      const response = await withSinglePlugin(plugin.path, plugin.name, context.config, io, async (manager) => {
        const info = manager.list()[0];
        if (info?.state !== "loaded") throw failure(`plugin "${name}" failed to load: ${info?.error?.message ?? "unknown reason"}`);
        warnOfInitError(io, info);
        try {
          return await manager.call(plugin.name, capability, method, request);
        } catch (error) {
          if (error instanceof PluginError) throw failure(`${error.kind}: ${error.message}`, error);
          throw error;
        }
      });
      writeJson(io.stdout, CAPABILITIES[capability].methods[method]!.responseType.toJSON(response));
    });
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
