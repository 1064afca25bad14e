/** Where the status page's script is served: a file of its own, since the page's CSP runs no inline script. */
export const STATUS_SCRIPT_PATH = "/status.js";
/** The status page's live parts alone (`renderLiveParts`), which its script fetches. */
export const STATUS_LIVE_PATH = "/status/live";
/** How often the status page refreshes its live parts (summary, pool, store, plugins). */
export const STATUS_REFRESH_MS = 5_000;

/**
 * The status page's script: fills the call form's method list from the chosen plugin (generation
 * 2: its capabilities' exports), sends the call as JSON and shows the answer as text; and every STATUS_REFRESH_MS, while the page is
 * visible, fetches the live parts (STATUS_LIVE_PATH) and swaps them in, leaving the form alone.
 */
export const STATUS_SCRIPT = `"use strict";
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
    // Generation 2's entries are export names (nd_*), called as they are.
    const route = method.value.startsWith("nd_") ? "/exports/" : "/call/";
    const path = "/api/plugins/" + encodeURIComponent(plugin.value) + route + encodeURIComponent(method.value);
    const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: request.value.trim() || "{}" });
    answer.textContent = response.status + " " + JSON.stringify(await response.json(), null, 2);
  } catch (error) {
    answer.textContent = String(error);
  }
});

const refreshed = document.getElementById("refreshed");
async function refresh() {
  if (document.hidden) return;
  try {
    const response = await fetch("${STATUS_LIVE_PATH}", { headers: { accept: "text/html" }, cache: "no-store" });
    if (!response.ok) throw new Error("the server answered " + response.status);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const part of document.querySelectorAll("[data-live]")) {
      const replacement = fresh.getElementById(part.id);
      if (replacement) part.replaceWith(document.adoptNode(replacement));
    }
    refreshed.textContent = "Updated at " + new Date().toLocaleTimeString() + ".";
  } catch (error) {
    refreshed.textContent = "Not updated (" + error.message + "); trying again.";
  }
}
setInterval(refresh, ${STATUS_REFRESH_MS});
`;
