import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import type { CliIo } from "../io.js";
import { writeJson, writeLine } from "../io.js";
import { describeInstalled, type PluginSummary } from "../summaries.js";
import { listInstalled } from "../plugins-folder.js";

export function listCommand(io: CliIo): Command {
  return defineCommand({
    name: "list",
    summary: "list installed plugins: name, version, capabilities, permissions, state, dev link",
    example: "nd plugin list --folder ./data/plugins --json",
    json: true,
  }).action(async (_options, command: Command) => {
    const context = await contextOf(io, command);
    const summaries = await Promise.all((await listInstalled(context.folder)).map(describeInstalled));
    if (context.json) writeJson(io.stdout, summaries);
    else printTable(io, summaries, context.folder);
  });
}

function printTable(io: CliIo, summaries: PluginSummary[], folder: string): void {
  if (summaries.length === 0) {
    writeLine(io.stdout, `no plugins in ${folder}`);
    return;
  }
  writeLine(io.stderr, `plugins folder: ${folder}`);
  const header = ["NAME", "VERSION", "CAPABILITIES", "PERMISSIONS", "STATE", "DEV"];
  const rows = summaries.map((s) => [
    s.name,
    s.version ?? "-",
    s.capabilities.join(",") || "-",
    s.permissions.join(",") || "-",
    s.state,
    s.dev ? `-> ${s.linkTarget}` : "",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) {
    writeLine(io.stdout, row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  }
  for (const s of summaries) for (const problem of s.problems) writeLine(io.stdout, `${s.name}: ${problem}`);
}
