import type { ManifestProblem } from "./problem.js";
import type { ManifestV2 } from "./types-v2.js";

/** Navidrome v0.63's Scrobbler exports: any one of them makes the plugin a Scrobbler. */
const SCROBBLER_EXPORTS = [
  "nd_scrobbler_is_authorized",
  "nd_scrobbler_now_playing",
  "nd_scrobbler_scrobble",
  "nd_scrobbler_playback_report",
];

/** Permission → the export that must exist for it to be of use. */
const PERMISSION_EXPORTS = [
  { permission: "scheduler", export: "nd_scheduler_callback", why: "schedules fire it" },
  { permission: "taskqueue", export: "nd_task_execute", why: "queued tasks run through it" },
] as const;

/**
 * The rules Navidrome checks once the module's exports are known (capabilities are read from
 * them): a Scrobbler needs the users permission; the scheduler permission needs
 * `nd_scheduler_callback`; the taskqueue permission needs `nd_task_execute`.
 */
export function validateManifestV2Exports(manifest: ManifestV2, exportNames: Iterable<string>): ManifestProblem[] {
  const exported = new Set(exportNames);
  const permissions = manifest.permissions ?? {};
  const problems: ManifestProblem[] = [];
  const scrobblerExport = SCROBBLER_EXPORTS.find((name) => exported.has(name));
  if (scrobblerExport !== undefined && permissions.users === undefined) {
    problems.push({
      path: "/permissions",
      message: `the plugin is a Scrobbler (it exports ${scrobblerExport}), which needs the users permission: add "users": {} to permissions`,
    });
  }
  for (const rule of PERMISSION_EXPORTS) {
    if (permissions[rule.permission] === undefined || exported.has(rule.export)) continue;
    problems.push({
      path: `/permissions/${rule.permission}`,
      message: `permissions.${rule.permission} needs the module to export ${rule.export} (${rule.why}); it does not`,
    });
  }
  return problems;
}
