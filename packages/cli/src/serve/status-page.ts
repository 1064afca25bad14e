import { CAPABILITIES } from "@nd/protocol";
import type { MethodMetrics, PluginInfo } from "@nd/runtime";
import { html, SafeHtml } from "./html.js";
import type { PluginLogLine } from "./plugin-logs.js";

/** What the status page shows. */
export interface StatusView {
  readonly plugins: readonly PluginInfo[];
  readonly metrics: (plugin: string) => readonly MethodMetrics[];
  readonly logs: (plugin: string) => readonly PluginLogLine[];
  readonly poolStats: object;
  /** The nonce that lets the page's own script and style run under its Content-Security-Policy. */
  readonly nonce: string;
}

/** `GET /`: every plugin with its state, permissions, metrics and recent logs, and a form to call a method. */
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
<p>${view.plugins.length} plugins, ${loaded.length} loaded. Worker pool: ${poolText(view.poolStats)}.
JSON: <a href="/api/plugins">/api/plugins</a>, Prometheus: <a href="/metrics">/metrics</a>.</p>
${callForm(loaded)}
${view.plugins.map((plugin) => pluginSection(plugin, view))}
<script nonce="${view.nonce}">${SCRIPT}</script>
</body>
</html>`}\n`;
}

function poolText(stats: object): string {
  return Object.entries(stats)
    .filter(([, value]) => typeof value === "number")
    .map(([field, value]) => `${field} ${value}`)
    .join(", ");
}

function callForm(loaded: readonly PluginInfo[]): SafeHtml {
  return html`<form id="call">
<h2>Call a method</h2>
<label>Plugin <select name="plugin">${loaded.map((plugin) => html`<option value="${plugin.name}" data-methods="${methodsOf(plugin).join(" ")}">${plugin.name}</option>`)}</select></label>
<label>Method <select name="method"></select></label>
<label>Request (JSON) <textarea name="request" rows="4" cols="60">{}</textarea></label>
<button type="submit">Call</button>
<pre id="answer" aria-live="polite"></pre>
</form>`;
}

function methodsOf(plugin: PluginInfo): string[] {
  return plugin.capabilities.flatMap((capability) => Object.keys(CAPABILITIES[capability].methods).map((method) => `${capability}.${method}`));
}

function pluginSection(plugin: PluginInfo, view: StatusView): SafeHtml {
  return html`<section class="plugin" data-plugin="${plugin.name}">
<h2>${plugin.name} <small>${plugin.manifest?.version}</small> <span class="state ${plugin.state}">${plugin.state}</span>${plugin.isSymlink && html` <small>dev link</small>`}</h2>
${plugin.error && html`<p class="error">${plugin.error.kind}: ${plugin.error.message}</p>`}
<p>Capabilities: ${plugin.capabilities.join(", ") || "none"}</p>
${permissionsTable(plugin)}
${metricsTable(view.metrics(plugin.name))}
${logLines(view.logs(plugin.name))}
</section>`;
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
      html`<tr><td>${m.method}</td><td>${m.calls}</td><td>${m.errors}</td><td>${m.timeouts}</td><td>${ms(m.latencyMs.p50)}</td><td>${ms(m.latencyMs.p95)}</td><td>${ms(m.latencyMs.p99)}</td><td>${ms(m.latencyMs.max)}</td></tr>`,
  );
  return html`<table class="metrics"><caption>Calls (latency in ms, recent calls)</caption><tr><th>method</th><th>calls</th><th>errors</th><th>timeouts</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>${rows}</table>`;
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

/** Fills the method list from the chosen plugin and sends the call as JSON; the answer is shown as text. */
const SCRIPT = new SafeHtml(`
const form = document.getElementById("call");
const { plugin, method, request } = form.elements;
const answer = document.getElementById("answer");
function fillMethods() {
  const methods = plugin.selectedOptions[0]?.dataset.methods.split(" ").filter(Boolean) ?? [];
  method.replaceChildren(...methods.map((name) => new Option(name, name)));
}
plugin.addEventListener("change", fillMethods);
fillMethods();
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  answer.textContent = "calling...";
  try {
    const path = "/api/plugins/" + encodeURIComponent(plugin.value) + "/call/" + encodeURIComponent(method.value);
    const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: request.value.trim() || "{}" });
    answer.textContent = response.status + " " + JSON.stringify(await response.json(), null, 2);
  } catch (error) {
    answer.textContent = String(error);
  }
});
`);
