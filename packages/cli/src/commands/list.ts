import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import type { CommandContext } from "../context.js";
import type { CliIo } from "../io.js";
import { writeJson, writeLine } from "../io.js";
import { terminalSafe } from "../terminal-text.js";
import { withSinglePlugin } from "../manager.js";
import { describeInstalled, type PluginSummary } from "../summaries.js";
import { listInstalled, type InstalledPlugin, type SkippedEntry } from "../plugins-folder.js";

export function listCommand(io: CliIo): Command {
  return defineCommand({
    name: "list",
    summary: "list installed plugins: name (generation 2: ID), generation, version, capabilities, permissions, state, dev link",
    example: "nd plugin list --folder ./data/plugins --init --json",
    json: true,
  })
    .option("--init", "also load each ready plugin alone with the config and run its OnInit, showing OnInit errors")
    .action(async (options: { init?: boolean }, command: Command) => {
      const context = await contextOf(io, command);
      const summaries: PluginSummary[] = [];
      const skipped: SkippedEntry[] = [];
      for (const plugin of await listInstalled(context.folder, skipped)) {
        const summary = await describeInstalled(plugin);
        summaries.push(options.init && summary.state === "ready" ? await withInitResult(plugin, summary, context) : summary);
      }
      if (context.json) writeJson(io.stdout, summaries);
      else printTable(io, summaries, context.folder);
      for (const entry of skipped) writeLine(io.stderr, `skipped ${entry.path}: ${entry.reason}`);
    });
}

/** Loads the plugin as a host would and records what its OnInit answered. */
async function withInitResult(plugin: InstalledPlugin, summary: PluginSummary, context: CommandContext): Promise<PluginSummary> {
  const info = await withSinglePlugin(plugin, context.config, context.io, async (manager) => manager.list()[0]);
  if (info?.state !== "loaded") return { ...summary, state: "invalid", problems: [info?.error?.message ?? "does not load"] };
  return info.initError ? { ...summary, initError: info.initError.message } : summary;
}

function printTable(io: CliIo, summaries: PluginSummary[], folder: string): void {
  if (summaries.length === 0) {
    writeLine(io.stdout, `no plugins in ${folder}`);
    return;
  }
  writeLine(io.stderr, `plugins folder: ${folder}`);
  const header = ["NAME", "GEN", "VERSION", "CAPABILITIES", "PERMISSIONS", "STATE", "DEV"];
  const rows = summaries.map((s) => [
    s.name,
    s.generation === undefined ? "-" : String(s.generation),
    s.version ?? "-",
    s.capabilities.join(",") || "-",
    s.permissions.join(",") || "-",
    s.state,
    s.dev ? `-> ${s.linkTarget}` : "",
  ].map(terminalSafe)); // escaped before measuring, so a hostile name keeps the columns aligned
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) {
    writeLine(io.stdout, row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  }
  for (const s of summaries) {
    for (const problem of s.problems) writeLine(io.stdout, `${s.name}: ${problem}`);
    if (s.initError) writeLine(io.stdout, `${s.name}: OnInit failed (the plugin stays loaded): ${s.initError}`);
  }
}
