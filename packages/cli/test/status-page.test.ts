import { existsSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig, startDemo, startServer, type RunningDemo, type RunningServer } from "@nd/cli";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rawRequest } from "./support/http.js";
import { biographyPlugin, nd, packageFile, printingPlugin, silent, workspace } from "./support/nd.js";

const CHROMIUM = "/usr/bin/chromium";
const examples = fileURLToPath(new URL("../../../examples", import.meta.url));
const HOSTILE_REASON = `<img src=x onerror="document.title='pwned by reason'">`;
const HOSTILE_LOG = `<img src=x onerror="document.title='pwned by log'"><b>bold</b>`;
const HOSTILE_ERROR = `<script>document.title='pwned by error'</script>`;

/** A server whose plugins put markup in a permission reason, a log line and an error. */
async function hostileServer(): Promise<RunningServer> {
  const dir = workspace();
  const folder = join(dir, "plugins");
  const specs = [
    printingPlugin("printer", HOSTILE_LOG, { cache: { reason: HOSTILE_REASON } }),
    { ...biographyPlugin("evil-agent", ""), answers: { metadata_agent_get_artist_biography: { error: HOSTILE_ERROR } } },
  ];
  for (const spec of specs) expect((await nd(["plugin", "install", await packageFile(dir, spec), "--folder", folder])).code).toBe(0);
  const server = await startServer({ folder, config: parseConfig("", join(dir, "nd.toml")), port: 0, logger: silent, workers: 1 });
  await rawRequest(`${server.url}/api/plugins/printer/call/MetadataAgent.GetArtistBiography`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  await rawRequest(`${server.url}/api/artist?name=x`); // evil-agent's error is logged with its name
  return server;
}

describe("the status page at /", () => {
  test("is server-rendered HTML with every plugin's state, permissions, metrics and logs, hostile text escaped", async () => {
    const server = await hostileServer();
    try {
      const response = await rawRequest(`${server.url}/`);
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      // No inline script: the page's one script is a file of nd serve's own.
      expect(String(response.headers["content-security-policy"])).toContain("script-src 'self';");
      expect(response.text.match(/<script[^>]*>/g)).toEqual(['<script src="/status.js" defer>']);
      const script = await rawRequest(`${server.url}/status.js`);
      expect([script.status, script.headers["content-type"]]).toEqual([200, "text/javascript; charset=utf-8"]);
      expect(script.text).toContain('fetch("/status/live"');
      const live = await rawRequest(`${server.url}/status/live`);
      expect(live.text.match(/ data-live/g)).toHaveLength(4);
      expect(live.text).not.toMatch(/<script|<style/);
      expect(response.text.match(/<img/g)).toBeNull();
      expect(response.text).toContain("&lt;img src=x onerror=&quot;document.title=&#39;pwned by reason&#39;&quot;&gt;");
      expect(response.text).toContain("[printer] &lt;img src=x onerror=&quot;document.title=&#39;pwned by log&#39;&quot;&gt;&lt;b&gt;bold&lt;/b&gt;");
      expect(response.text).toContain("&lt;script&gt;document.title=&#39;pwned by error&#39;&lt;/script&gt;");
      // printer and evil-agent were both asked by /api/artist too
      expect(response.text).toMatch(/data-plugin="evil-agent".*?<td>MetadataAgent\.GetArtistBiography<\/td><td>1<\/td><td>1<\/td><td>0<\/td>/s);
      expect(response.text).toMatch(/data-plugin="printer".*?<td>MetadataAgent\.GetArtistBiography<\/td><td>2<\/td><td>0<\/td><td>0<\/td>/s);
      // The pool's figures in words, not field names.
      expect(response.text).toMatch(/Worker pool: threads \d+, CPU slots 1, running plugin code 0, waiting on host calls 0, idle threads \d+, calls waiting to start 0\./);
    } finally {
      await server.close();
    }
  });
});

// In CI the browser test must run: a missing Chromium fails it rather than skipping it.
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")("the status page in headless Chromium", () => {
  let demo: RunningDemo;
  let dataFolder: string;
  let userDataDir: string;
  let browser: BrowserContext;
  const launch = (dir: string, options: Parameters<typeof chromium.launchPersistentContext>[1] = {}) =>
    chromium.launchPersistentContext(dir, {
      ...options,
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}; .ci/run installs it (apt-get install chromium)`);
    dataFolder = mkdtempSync(join(tmpdir(), "nd-status-demo-"));
    userDataDir = mkdtempSync(join(tmpdir(), "nd-chromium-"));
    demo = await startDemo({ examplesFolder: examples, dataFolder, port: 0, logger: silent });
    browser = await launch(userDataDir);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await rm(dataFolder, { recursive: true, force: true });
    await rm(userDataDir, { recursive: true, force: true });
  });

  test("lists the demo's plugins, and a call from the form shows the plugin's answer", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(`${demo.server.url}/`);
    expect(await page.title()).toBe("nd serve");
    expect(await page.locator("section.plugin").evaluateAll((sections) => sections.map((section) => section.getAttribute("data-plugin")))).toEqual(demo.installed);
    expect(await page.locator('section[data-plugin="as-echo"] .state').textContent()).toBe("loaded");

    await page.selectOption("select[name=plugin]", "as-echo");
    await page.selectOption("select[name=method]", "MetadataAgent.GetArtistBiography");
    await page.fill("textarea[name=request]", '{"name": "Nina Simone"}');
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("#answer").textContent()).toContain('"biography": "bio of Nina Simone"');
    expect(problems).toEqual([]); // no script error, no Content-Security-Policy violation

    // A wrong request shows the server's error, named.
    await page.fill("textarea[name=request]", '{"name": 1}');
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("#answer").textContent()).toContain("field name must be a string");

    // The call is counted on the page without reloading it (the wrong request never reached the
    // plugin): the summary at the top and the plugin's table.
    const summary = (cell: string) => page.locator(`#summary tr[data-plugin="as-echo"] td.${cell}`).textContent();
    await expect.poll(() => summary("calls"), { timeout: 20_000 }).toBe("1");
    expect(await summary("errors")).toBe("0");
    expect(await page.locator('section[data-plugin="as-echo"] table.metrics').textContent()).toContain("MetadataAgent.GetArtistBiography");
    expect(await page.locator("#refreshed").textContent()).toMatch(/^Updated at /);

    // "Ask the next one" answers are counted apart from errors.
    await fetch(`${demo.server.url}/api/plugins/as-echo/call/MetadataAgent.GetArtistMBID`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":""}' });
    await fetch(`${demo.server.url}/api/plugins/as-echo/call/MetadataAgent.GetAlbumInfo`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await expect.poll(() => summary("calls"), { timeout: 20_000 }).toBe("3");
    expect([await summary("errors"), await summary("not-implemented"), await summary("not-found")]).toEqual(["0", "1", "1"]);
    expect(await page.locator("form#call select[name=plugin]").inputValue()).toBe("as-echo"); // the form is left alone
    // Nothing went wrong but the wrong request's answer (400) the test asked for.
    expect(problems.filter((problem) => !problem.includes("status of 400"))).toEqual([]);
  });

  test("runs none of the markup a hostile plugin puts in its reason, log lines or errors", async () => {
    const server = await hostileServer();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      expect(await page.title()).toBe("nd serve");
      expect(await page.locator("section img, section b, section script").count()).toBe(0);
      expect(await page.locator('section[data-plugin="printer"] pre.logs').textContent()).toContain(HOSTILE_LOG);
      expect(await page.locator('section[data-plugin="printer"] table.permissions').textContent()).toContain(HOSTILE_REASON);
      expect(await page.locator('section[data-plugin="evil-agent"] pre.logs').textContent()).toContain(HOSTILE_ERROR);
    } finally {
      await server.close();
    }
  });

  test("with a token, the browser gives it as the Basic auth password and the form's calls carry it", async () => {
    const token = "a-token-of-32-characters-or-so!!";
    const dir = workspace();
    const folder = join(dir, "plugins");
    expect((await nd(["plugin", "install", await packageFile(dir, biographyPlugin("b-bio", "from b")), "--folder", folder])).code).toBe(0);
    const server = await startServer({ folder, config: parseConfig("", join(dir, "nd.toml")), port: 0, logger: silent, workers: 1, token });
    // Without credentials to give, the browser gives up on the Basic auth challenge.
    const withoutToken = await browser.newPage();
    await expect(withoutToken.goto(`${server.url}/`)).rejects.toThrow("ERR_INVALID_AUTH_CREDENTIALS");
    await withoutToken.close();
    const authorized = await launch(join(dir, "chromium"), { httpCredentials: { username: "operator", password: token } });
    try {
      const page = await authorized.newPage();
      await page.goto(`${server.url}/`);
      await page.selectOption("select[name=method]", "MetadataAgent.GetArtistBiography");
      await page.click("button[type=submit]");
      await expect.poll(() => page.locator("#answer").textContent()).toContain('"biography": "from b"');
    } finally {
      await authorized.close();
      await server.close();
    }
  });
});
