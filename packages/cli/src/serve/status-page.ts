import { CAPABILITIES, gen2 } from "@nd/protocol";
import type { MethodMetrics, PluginInfo } from "@nd/runtime";
import { html, SafeHtml } from "./html.js";
import type { PluginLogLine } from "./plugin-logs.js";
import { STATUS_REFRESH_MS, STATUS_SCRIPT_PATH } from "./status-script.js";
import type { StoreSnapshot } from "./store-status.js";

/** What the status page shows. */
export interface StatusView {
  readonly plugins: readonly PluginInfo[];
  readonly metrics: (plugin: string) => readonly MethodMetrics[];
  readonly logs: (plugin: string) => readonly PluginLogLine[];
  readonly poolStats: object;
  readonly store: StoreSnapshot;
  /** The nonce that lets the page's own style apply under its Content-Security-Policy (its script is a file: STATUS_SCRIPT_PATH). */
  readonly nonce: string;
}

/**
 * `GET /`: a summary line per plugin, then every plugin with its state, permissions, metrics
 * and recent logs, and a form to call a method. The parts marked `data-live` (each with an
 * id) are refreshed by the page's script from `renderLiveParts` without reloading.
 */
export function renderStatusPage(view: StatusView): string {
  const loaded = view.plugins.filter((plugin) => plugin.state === "loaded");
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nd serve</title>
<style nonce="${view.nonce}">${STYLE}</style>
</head>
<body>
<h1>nd serve</h1>
${overview(view)}
<p id="refreshed" aria-live="polite">Refreshed every ${STATUS_REFRESH_MS / 1000} s.</p>
${summaryTable(view)}
${storeTable(view.store)}
${callForm(loaded)}
${pluginSections(view)}
<script src="${STATUS_SCRIPT_PATH}" defer></script>
</body>
</html>`}\n`;
}

/** Words for the fields of the runtime's poolStats(); a field added later shows as its name in words. */
const POOL_LABELS: Record<string, string> = {
  cpuSlots: "CPU slots",
  threads: "threads",
  busy: "running plugin code",
  inHostCalls: "waiting on host calls",
  idle: "idle threads",
  queued: "calls waiting to start",
};

/** `GET STATUS_LIVE_PATH`: the page's `data-live` parts alone, as the page's script takes them. */
export function renderLiveParts(view: Omit<StatusView, "nonce">): string {
  return `${overview(view)}\n${summaryTable(view)}\n${storeTable(view.store)}\n${pluginSections(view)}\n`;
}

function overview(view: Omit<StatusView, "nonce">): SafeHtml {
  const loaded = view.plugins.filter((plugin) => plugin.state === "loaded").length;
  return html`<p id="overview" data-live>${view.plugins.length} plugins, ${loaded} loaded. Worker pool: ${poolText(view.poolStats)}.
JSON: <a href="/api/plugins">/api/plugins</a>, Prometheus: <a href="/metrics">/metrics</a>.</p>`;
}

function pluginSections(view: Omit<StatusView, "nonce">): SafeHtml {
  return html`<div id="plugins" data-live>${view.plugins.map((plugin) => pluginSection(plugin, view))}</div>`;
}

function poolText(stats: object): string {
  return Object.entries(stats)
    .filter(([, value]) => typeof value === "number")
    .map(([field, value]) => `${POOL_LABELS[field] ?? field.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`)} ${value}`)
    .join(", ");
}

/** A plugin's calls over all its methods; "ask the next one" answers are counted apart from errors. */
interface PluginTotals {
  readonly calls: number;
  readonly errors: number;
  readonly notImplemented: number;
  readonly notFound: number;
  /** The highest p95 latency among its methods, in ms. */
  readonly slowestP95: number;
}

function totalsOf(metrics: readonly MethodMetrics[]): PluginTotals {
  const sum = (field: "calls" | "errors" | "notImplemented" | "notFound") => metrics.reduce((total, m) => total + m[field], 0);
  return {
    calls: sum("calls"),
    errors: sum("errors"),
    notImplemented: sum("notImplemented"),
    notFound: sum("notFound"),
    slowestP95: Math.max(0, ...metrics.map((m) => m.latencyMs.p95)),
  };
}

function summaryTable(view: Omit<StatusView, "nonce">): SafeHtml {
  const rows = view.plugins.map((plugin) => {
    const totals = totalsOf(view.metrics(plugin.id));
    return html`<tr data-plugin="${plugin.id}"><td>${plugin.id}</td><td class="state ${plugin.state}">${plugin.state}</td><td class="calls">${totals.calls}</td><td class="errors">${totals.errors}</td><td class="not-implemented">${totals.notImplemented}</td><td class="not-found">${totals.notFound}</td><td class="p95">${totals.slowestP95.toFixed(2)}</td></tr>`;
  });
  return html`<table id="summary" class="summary" data-live><caption>Plugins at a glance (not implemented and not found are answers that pass the request on, not errors)</caption><tr><th>plugin</th><th>state</th><th>calls</th><th>errors</th><th>not implemented</th><th>not found</th><th>slowest p95 (ms)</th></tr>${rows}</table>`;
}

const STORE_KINDS = { redis: "Redis, shared by replicas", sqlite: "SQLite files", memory: "memory only (lost when a plugin unloads)" } as const;

/** Where generation-2 state lives (never a URL's credentials), and each plugin's share of it. */
function storeTable(store: StoreSnapshot): SafeHtml {
  const where = html`Plugin state: ${STORE_KINDS[store.kind]}${store.location && html` at <code>${store.location}</code>`}.`;
  const problem = store.error !== undefined ? html` <span class="error">Unreadable: ${store.error}</span>` : "";
  const rows = store.rows.map(
    ({ id, state, outcomes }) =>
      html`<tr data-plugin="${id}"><td>${id}</td><td class="keys">${state.keys}</td><td class="bytes">${state.bytes}</td><td class="pending">${state.tasks.pending}</td><td class="running">${state.tasks.running}</td><td class="completed">${outcomes.completed}</td><td class="failed">${outcomes.failed}</td><td class="retried">${outcomes.retried}</td></tr>`,
  );
  const table = rows.length === 0 ? "" : html`<table><caption>Stored state (tasks finished: by this host)</caption><tr><th>plugin</th><th>kvstore keys</th><th>kvstore bytes</th><th>tasks pending</th><th>tasks running</th><th>completed</th><th>failed</th><th>retried</th></tr>${rows}</table>`;
  return html`<div id="store" data-live><p>${where}${problem}</p>${table}</div>`;
}

function callForm(loaded: readonly PluginInfo[]): SafeHtml {
  return html`<form id="call">
<h2>Call a method</h2>
<label>Plugin <select name="plugin">${loaded.map((plugin) => html`<option value="${plugin.id}" data-methods="${methodsOf(plugin).join(" ")}">${plugin.id}</option>`)}</select></label>
<label>Method <select name="method"></select></label>
<label>Request (JSON) <textarea name="request" rows="4" cols="60">{}</textarea></label>
<button type="submit">Call</button>
<pre id="answer" aria-live="polite"></pre>
</form>`;
}

function methodsOf(plugin: PluginInfo): string[] {
  if (plugin.generation === 2) return plugin.capabilities.flatMap((capability) => Object.values(gen2.CAPABILITIES[capability]));
  return plugin.capabilities.flatMap((capability) => Object.keys(CAPABILITIES[capability].methods).map((method) => `${capability}.${method}`));
}

function pluginSection(plugin: PluginInfo, view: Omit<StatusView, "nonce">): SafeHtml {
  const displayName = plugin.generation === 2 && plugin.manifest && plugin.manifest.name !== plugin.id ? html` <small>${plugin.manifest.name}</small>` : "";
  return html`<section class="plugin" data-plugin="${plugin.id}" data-generation="${String(plugin.generation)}">
<h2>${plugin.id}${displayName} <small>${plugin.manifest?.version}</small> <small class="generation">generation ${String(plugin.generation)}</small> <span class="state ${plugin.state}">${plugin.state}</span>${plugin.isSymlink && html` <small>dev link</small>`}</h2>
${plugin.error && html`<p class="error">${plugin.error.kind}: ${plugin.error.message}</p>`}
<p>Capabilities: ${plugin.capabilities.join(", ") || "none"}</p>
${permissionsTable(plugin)}
${plugin.generation === 2 && configForm(plugin.id, plugin.manifest?.config?.schema)}
${metricsTable(view.metrics(plugin.id))}
${logLines(view.logs(plugin.id))}
</section>`;
}

/** A generation-2 plugin's config form from its `config.schema`, read-only: values are set in the TOML config. */
function configForm(id: string, schema: Record<string, unknown> | undefined): SafeHtml | "" {
  const properties = (schema?.properties ?? {}) as Record<string, { title?: unknown; description?: unknown; type?: unknown; default?: unknown }>;
  const fields = Object.entries(properties).map(([key, field]) => {
    const label = typeof field.title === "string" ? field.title : key;
    const value = field.default === undefined ? "" : typeof field.default === "string" ? field.default : JSON.stringify(field.default);
    const type = typeof field.type === "string" ? field.type : "any";
    const description = typeof field.description === "string" ? html` <small>${field.description}</small>` : "";
    return html`<label>${label} <code>${key}</code> (${type}) <input name="${key}" value="${value}" readonly>${description}</label>`;
  });
  if (fields.length === 0) return "";
  return html`<form class="config"><fieldset disabled><legend>Config form (read-only: set values in [PluginConfig.${id}])</legend>${fields}</fieldset></form>`;
}

function permissionsTable(plugin: PluginInfo): SafeHtml {
  const declared = (plugin.manifest?.permissions ?? {}) as Record<string, { reason?: string } & Record<string, unknown>>;
  if (plugin.permissions.length === 0) return html`<p>Permissions: none</p>`;
  const rows = plugin.permissions.map((name) => {
    const { reason = "", ...scope } = declared[name] ?? {};
    return html`<tr><td>${name}</td><td>${reason}</td><td><code>${Object.keys(scope).length ? JSON.stringify(scope) : ""}</code></td></tr>`;
  });
  return html`<table class="permissions"><caption>Permissions</caption><tr><th>permission</th><th>reason</th><th>scope</th></tr>${rows}</table>`;
}

function metricsTable(metrics: readonly MethodMetrics[]): SafeHtml {
  if (metrics.length === 0) return html`<p>No calls yet.</p>`;
  const ms = (value: number) => value.toFixed(2);
  const rows = metrics.map(
    (m) =>
      html`<tr><td>${m.method}</td><td>${m.calls}</td><td>${m.errors}</td><td>${m.timeouts}</td><td>${m.notImplemented}</td><td>${m.notFound}</td><td>${ms(m.latencyMs.p50)}</td><td>${ms(m.latencyMs.p95)}</td><td>${ms(m.latencyMs.p99)}</td><td>${ms(m.latencyMs.max)}</td></tr>`,
  );
  return html`<table class="metrics"><caption>Calls (latency in ms, recent calls)</caption><tr><th>method</th><th>calls</th><th>errors</th><th>timeouts</th><th>not implemented</th><th>not found</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>${rows}</table>`;
}

function logLines(lines: readonly PluginLogLine[]): SafeHtml {
  if (lines.length === 0) return html`<p>No log lines.</p>`;
  const text = lines.map((line) => `${new Date(line.time).toISOString()} ${line.level} ${line.message}`).join("\n");
  return html`<details open><summary>Recent log lines</summary><pre class="logs">${text}</pre></details>`;
}

// Constants of this file: trusted, inserted as they are.
const STYLE = new SafeHtml(`
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; }
section.plugin, form { border: 1px solid #ccc; border-radius: 6px; padding: 0 1em 1em; margin: 1em 0; }
label { display: block; margin: .5em 0; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #ddd; padding: .2em .5em; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; }
.state.loaded { color: #176317; } .state.failed, .error { color: #a31515; }
pre { background: #f5f5f5; padding: .5em; overflow-x: auto; white-space: pre-wrap; }
`);
