import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseConfig, startServer, type RunningServer } from "@nd/cli";
import { afterEach, describe, expect, test } from "vitest";
import { rawRequest } from "./support/http.js";
import { biographyPlugin, nd, packageFile, silent, workspace } from "./support/nd.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});


/** The samples of a Prometheus text answer: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const lines = text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
  return new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(" ")), Number(line.slice(line.lastIndexOf(" ") + 1))]));
}

describe("GET /metrics", () => {
  test("Prometheus text: calls, errors, timeouts and a latency histogram per plugin and method, pool gauges, process metrics", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const bio = biographyPlugin("b-bio", "from b");
    const spec = {
      ...bio,
      answers: {
        ...bio.answers,
        metadata_agent_get_artist_url: { error: "upstream down" },
        metadata_agent_get_artist_images: { error: "plugin:not_implemented" },
        metadata_agent_get_similar_artists: { error: "plugin:not_found" },
      },
      body: `(func (export "metadata_agent_get_artist_mbid") (param i32 i32) (result i64) (loop $forever (br $forever)) (i64.const 0))`,
    };
    expect((await nd(["plugin", "install", await packageFile(dir, spec), "--folder", folder])).code).toBe(0);
    const server = await startServer({ folder, config: parseConfig("", join(dir, "nd.toml")), port: 0, logger: silent, workers: 1, callTimeoutMs: 300 });
    servers.push(server);
    const call = (method: string) =>
      rawRequest(`${server.url}/api/plugins/b-bio/call/MetadataAgent.${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await call("GetArtistBiography");
    await call("GetArtistBiography");
    await call("GetArtistURL");
    await call("GetArtistImages");
    await call("GetSimilarArtists");
    await call("GetSimilarArtists");
    expect((await call("GetArtistMBID")).status).toBe(504);

    const response = await rawRequest(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.text).toContain("# TYPE nd_plugin_call_duration_seconds histogram");
    const values = samples(response.text);
    const bioLabels = '{plugin="b-bio",method="MetadataAgent.GetArtistBiography"}';
    const urlLabels = '{plugin="b-bio",method="MetadataAgent.GetArtistURL"}';
    const outcome = (labels: string, name: string) => labels.replace(/}$/, `,outcome="${name}"}`);
    expect(values.get(`nd_plugin_calls_total${outcome(bioLabels, "ok")}`)).toBe(2);
    expect(values.get(`nd_plugin_calls_total${outcome(urlLabels, "error")}`)).toBe(1);
    // "Ask the next one" answers are counted apart, never as errors.
    const imagesLabels = '{plugin="b-bio",method="MetadataAgent.GetArtistImages"}';
    const similarLabels = '{plugin="b-bio",method="MetadataAgent.GetSimilarArtists"}';
    expect(values.get(`nd_plugin_calls_total${outcome(imagesLabels, "not_implemented")}`)).toBe(1);
    expect(values.get(`nd_plugin_calls_total${outcome(similarLabels, "not_found")}`)).toBe(2);
    expect([values.get(`nd_plugin_errors_total${imagesLabels}`), values.get(`nd_plugin_errors_total${similarLabels}`)]).toEqual([0, 0]);
    expect(values.get(`nd_plugin_errors_total${urlLabels}`)).toBe(1);
    expect(values.get(`nd_plugin_errors_total${bioLabels}`)).toBe(0);
    expect(values.get(`nd_plugin_timeouts_total${urlLabels}`)).toBe(0);
    const mbidLabels = '{plugin="b-bio",method="MetadataAgent.GetArtistMBID"}';
    expect([values.get(`nd_plugin_timeouts_total${mbidLabels}`), values.get(`nd_plugin_errors_total${mbidLabels}`)]).toEqual([1, 1]);
    expect(values.get(`nd_plugin_calls_total${outcome(mbidLabels, "timeout")}`)).toBe(1);
    expect(values.get(`nd_plugin_call_duration_seconds_count${bioLabels}`)).toBe(2);
    expect(values.get('nd_plugin_call_duration_seconds_bucket{le="+Inf",plugin="b-bio",method="MetadataAgent.GetArtistBiography"}')).toBe(2);
    expect(values.get(`nd_plugin_call_duration_seconds_sum${bioLabels}`)).toBeGreaterThan(0);
    // one gauge per numeric field of the runtime's poolStats()
    expect(values.get("nd_pool_cpu_slots")).toBe(1);
    expect(values.get("nd_pool_threads")).toBeGreaterThanOrEqual(1);
    expect(values.get("nd_pool_busy")).toBe(0);
    expect(values.get("nd_pool_in_host_calls")).toBe(0);
    expect(values.get("nd_pool_idle")).toBeLessThanOrEqual(values.get("nd_pool_threads")!);
    expect(values.get("nd_pool_queued")).toBe(0);
    for (const name of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds"]) {
      expect(values.has(name), name).toBe(true);
    }
  });

  test("no gauge is named like a counter, and promtool check metrics passes clean", async () => {
    const server = await startServer({ folder: join(workspace(), "plugins"), config: parseConfig("", join(workspace(), "nd.toml")), port: 0, logger: silent, workers: 1 });
    servers.push(server);
    const { text } = await rawRequest(`${server.url}/metrics`);
    const gauges = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((match) => match[1]!);
    expect(gauges).toContain("nodejs_active_resources");
    expect(gauges.filter((name) => name.endsWith("_total"))).toEqual([]);
    const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (promtool.error) {
      console.log(`skipped promtool check metrics: promtool is not on PATH (apt-get install prometheus provides it)`);
      return;
    }
    expect(`${promtool.stdout}${promtool.stderr}`).toBe("");
    expect(promtool.status).toBe(0);
  });
});
