import { Agent } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { CliError, parseConfig, runCli, startServer, type RunningServer } from "@nd/cli";
import { afterEach, describe, expect, test } from "vitest";
import { errorOf, rawRequest } from "./support/http.js";
import { biographyPlugin, nd, packageFile, silent, workspace } from "./support/nd.js";

const servers: RunningServer[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const TOKEN = "a-token-of-32-characters-or-so!!";
const json = { "content-type": "application/json" };
const BIOGRAPHY = "/api/plugins/b-bio/call/MetadataAgent.GetArtistBiography";

async function serve(toml = "", options: { host?: string; token?: string } = {}) {
  const dir = workspace();
  const folder = join(dir, "plugins");
  expect((await nd(["plugin", "install", await packageFile(dir, biographyPlugin("b-bio", "from b")), "--folder", folder])).code).toBe(0);
  const config = parseConfig(toml, join(dir, "nd.toml"));
  const server = await startServer({ folder, config, port: 0, logger: silent, workers: 1, ...options });
  servers.push(server);
  return server;
}

function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
}

describe("nd serve refuses what another site's page could send", () => {
  test("a Host that is not this server (DNS rebinding) is refused; IP addresses, localhost and AllowedHosts are answered", async () => {
    const server = await serve('[Serve]\nAllowedHosts = ["music.example.org"]\n');
    const withHost = (host: string) => rawRequest(`${server.url}/api/plugins`, { headers: { host } });
    const rebound = await withHost(`evil.example:${server.port}`);
    expect(rebound.status).toBe(403);
    expect(errorOf(rebound)).toEqual({ kind: "ForbiddenHost", message: expect.stringContaining('"evil.example"') });
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, "[::1]", "music.example.org", "MUSIC.example.org:443"]) {
      expect((await withHost(host)).status, host).toBe(200);
    }
  });

  test("an Origin other than the server's own, or a cross-site Sec-Fetch-Site, is refused", async () => {
    const server = await serve();
    const call = (headers: Record<string, string>) => rawRequest(server.url + BIOGRAPHY, { method: "POST", headers: { ...json, ...headers }, body: "{}" });
    const evil = await call({ origin: "http://evil.example" });
    expect(evil.status).toBe(403);
    expect(errorOf(evil).kind).toBe("ForbiddenOrigin");
    expect((await call({ origin: "null" })).status).toBe(403);
    expect((await call({ origin: `http://localhost:${server.port}` })).status).toBe(403); // another name than the Host used
    expect((await call({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await call({ "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await call({ origin: server.url, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await rawRequest(`${server.url}/api/plugins`, { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    // Following a link to the status page is fine; the same from a script or an <img> is not.
    const visit = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" };
    expect((await rawRequest(`${server.url}/`, { headers: visit })).status).toBe(200);
    expect((await rawRequest(`${server.url}/api/artist?name=x`, { headers: visit })).status).toBe(403);
    expect((await rawRequest(`${server.url}/`, { headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" } })).status).toBe(403);
  });

  test("POST bodies must be application/json: text/plain and form bodies (no preflight) do not run the plugin", async () => {
    const server = await serve();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await rawRequest(server.url + BIOGRAPHY, { method: "POST", headers: { "content-type": type }, body: "{}" });
      expect(response.status, type).toBe(415);
      expect(errorOf(response)).toEqual({ kind: "UnsupportedMediaType", message: expect.stringContaining(type) });
    }
    expect((await rawRequest(server.url + BIOGRAPHY, { method: "POST", body: "{}" })).status).toBe(415);
    const ok = await rawRequest(server.url + BIOGRAPHY, { method: "POST", headers: { "content-type": "Application/JSON; charset=utf-8" }, body: "{}" });
    expect(JSON.parse(ok.text)).toEqual({ biography: "from b" });
    const plugins = JSON.parse((await rawRequest(`${server.url}/api/plugins`)).text) as { metrics: { calls: number }[] }[];
    expect(plugins[0]!.metrics).toEqual([expect.objectContaining({ calls: 1 })]);
  });

  test("with a token every route needs it, as a bearer token or a Basic auth password", async () => {
    const server = await serve(`[Serve]\nToken = "${TOKEN}"\n`);
    for (const path of ["/", "/metrics", "/api/plugins"]) {
      const refused = await rawRequest(server.url + path);
      expect(refused.status, path).toBe(401);
      expect(errorOf(refused).kind).toBe("Unauthorized");
      expect(refused.headers["www-authenticate"]).toMatch(/^Basic /);
    }
    expect((await rawRequest(`${server.url}/api/plugins`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await rawRequest(`${server.url}/api/plugins`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const basic = `Basic ${Buffer.from(`me:${TOKEN}`).toString("base64")}`;
    expect((await rawRequest(`${server.url}/metrics`, { headers: { authorization: basic } })).status).toBe(200);
  });

  test("listening beyond loopback needs a token; ND_SERVE_TOKEN gives it to nd serve", async () => {
    const error = await serve("", { host: "0.0.0.0" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ kind: "config", message: expect.stringContaining("ND_SERVE_TOKEN") });
    expect(await nd(["serve", "--port", "0", "--folder", join(workspace(), "plugins")], { env: { ND_SERVE_TOKEN: "short" } })).toMatchObject({
      code: 1,
      stderr: "nd: the token of nd serve must have at least 16 characters, it has 5\n",
    });
    expect(await nd(["serve", "--host", "0.0.0.0", "--port", "0", "--folder", join(workspace(), "plugins")])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^nd: nd serve on 0\.0\.0\.0 can be reached from other machines/),
    });

    let stderr = "";
    let stop!: () => void;
    const exit = runCli(["serve", "--host", "0.0.0.0", "--port", "0", "--folder", join(workspace(), "plugins")], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: { ND_SERVE_TOKEN: TOKEN, XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "" },
      waitForStop: () => new Promise<void>((resolve) => (stop = resolve)),
    });
    while (!/listening on http:\/\/0\.0\.0\.0:(\d+)/.test(stderr)) await new Promise((resolve) => setTimeout(resolve, 50));
    const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stderr)![1];
    expect((await rawRequest(`http://127.0.0.1:${port}/api/plugins`)).status).toBe(401);
    expect((await rawRequest(`http://127.0.0.1:${port}/api/plugins`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    stop();
    expect(await exit).toBe(0);
  });
});

describe("[Serve] in the config", () => {
  test("AllowedHosts and Token are read, checked and named in errors", () => {
    const file = "/etc/nd.toml";
    expect(parseConfig('[Serve]\nAllowedHosts = "Music.Example.org, other"\n', file).serve).toEqual({ allowedHosts: ["music.example.org", "other"] });
    expect(parseConfig(`[serve]\ntoken = "${TOKEN}"\n`, file).serve).toEqual({ allowedHosts: [], token: TOKEN });
    expect(() => parseConfig('[Serve]\nToken = "short"\n', file)).toThrow("/etc/nd.toml: Serve.Token must be a string of at least 16 characters");
    expect(() => parseConfig("[Serve]\nAllowedHosts = 3\n", file)).toThrow("/etc/nd.toml: Serve.AllowedHosts must be a string");
    expect(() => parseConfig('[Serve]\nPassword = "x"\n', file)).toThrow("/etc/nd.toml: unknown key Serve.Password; known keys: AllowedHosts, Token");
  });
});

describe("nd serve reads requests strictly", () => {
  test("a field of the wrong type is a 400 naming the field and the type expected", async () => {
    const server = await serve();
    const call = async (path: string, body: unknown) => {
      const response = await rawRequest(server.url + path, { method: "POST", headers: json, body: JSON.stringify(body) });
      return { status: response.status, error: errorOf(response) };
    };
    expect(await call(BIOGRAPHY, { name: { a: 1 } })).toEqual({ status: 400, error: { kind: "BadRequest", message: "field name must be a string, got an object" } });
    expect(await call(BIOGRAPHY, { name: 5 })).toMatchObject({ error: { message: "field name must be a string, got number 5" } });
    expect(await call("/api/plugins/b-bio/call/MetadataAgent.GetSimilarArtists", { limit: "ten" })).toMatchObject({
      status: 400,
      error: { message: 'field limit must be an int32: a whole number from -2147483648 to 2147483647 (a number or a string of digits), got string "ten"' },
    });
    expect(await call("/api/scrobble", { track: { artists: [{ name: "A" }, { name: ["B"] }] } })).toMatchObject({
      status: 400,
      error: { message: "field track.artists[1].name must be a string, got an array" },
    });
    expect(await call("/api/scrobble", { timestamp: 1.5 })).toMatchObject({ error: { message: expect.stringMatching(/^field timestamp must be an int64: /) } });
    expect(await call("/api/scrobble", { user_id: true })).toMatchObject({ error: { message: "field user_id must be a string, got boolean true" } });
    expect(await call("/api/scrobble", { track: { nmae: "x" } })).toMatchObject({ error: { message: expect.stringMatching(/^track has no field "nmae"; fields: /) } });
    expect(await call(BIOGRAPHY, [])).toMatchObject({ status: 400, error: { message: "the request must be a JSON object" } });
    // proto3 JSON: null is the default, a number may be a string, proto field names are accepted
    const similar = await rawRequest(`${server.url}/api/plugins/b-bio/call/MetadataAgent.GetSimilarArtists`, { method: "POST", headers: json, body: '{"name":null,"limit":"10"}' });
    expect(similar.status).toBe(501);
  });

  test("an integer out of its field's range is a 400 naming the field, not a 500", async () => {
    const server = await serve();
    const status = async (path: string, body: string) => {
      const response = await rawRequest(server.url + path, { method: "POST", headers: json, body });
      return { status: response.status, message: errorOf(response)?.message as string };
    };
    const similar = "/api/plugins/b-bio/call/MetadataAgent.GetSimilarArtists";
    const int32 = "must be an int32: a whole number from -2147483648 to 2147483647";
    for (const limit of ["1.5", "4294967297", '"99999999999"', "-2147483649", "2147483648", '"1e3"']) {
      expect(await status(similar, `{"limit":${limit}}`), limit).toEqual({ status: 400, message: `field limit ${int32} (a number or a string of digits), got ${limit.startsWith('"') ? "string" : "number"} ${limit}` });
    }
    expect(await status("/api/scrobble", `{"track":{"length":4294967297}}`)).toMatchObject({ status: 400, message: expect.stringMatching(/^field track\.length must be an int32/) });
    for (const timestamp of ['"9223372036854775808"', '"-9223372036854775809"', `"${"9".repeat(5000)}"`]) {
      expect(await status("/api/scrobble", `{"timestamp":${timestamp}}`)).toMatchObject({ status: 400, message: expect.stringMatching(/^field timestamp must be an int64: a whole number from -9223372036854775808 to 9223372036854775807/) });
    }
    // The edges themselves are in range: they reach the plugin (b-bio does not implement them: 501).
    expect((await status(similar, '{"limit":-2147483648}')).status).toBe(501);
    expect((await status(similar, '{"limit":"2147483647"}')).status).toBe(501);
  });

  test("a request with more values than nd takes is a 400 at once, however it is nested", async () => {
    const server = await serve();
    const artists = Array.from({ length: 80_644 }, () => ({ name: "" }));
    const response = await rawRequest(`${server.url}/api/scrobble`, { method: "POST", headers: json, body: JSON.stringify({ track: { artists } }) });
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toBe("the request holds more than 10000 values (fields, array elements and map entries), the most accepted");
    const within = Array.from({ length: 3000 }, () => ({ name: "A" }));
    const accepted = await rawRequest(`${server.url}/api/scrobble`, { method: "POST", headers: json, body: JSON.stringify({ track: { artists: within } }) });
    expect(accepted.status).toBe(200);
  });

  test("method and capability names never reach Object.prototype", async () => {
    const server = await serve();
    for (const target of ["MetadataAgent.constructor", "MetadataAgent.__proto__", "MetadataAgent.toString", "constructor.x", "__proto__.toString", "toString.valueOf"]) {
      const response = await rawRequest(`${server.url}/api/plugins/b-bio/call/${target}`, { method: "POST", headers: json, body: "{}" });
      expect(response.status, target).toBe(404);
      expect(errorOf(response), target).toEqual({ kind: "NoSuchMethod", message: expect.stringMatching(/^(unknown capability|MetadataAgent has no method) "/) });
    }
    for (const name of ["__proto__", "constructor", "toString"]) {
      const response = await rawRequest(`${server.url}/api/plugins/${name}/call/MetadataAgent.GetArtistBiography`, { method: "POST", headers: json, body: "{}" });
      expect(response.status, name).toBe(404);
      expect(errorOf(response).kind).toBe("PluginUnavailableError");
    }
  });
});

describe("nd serve speaks HTTP correctly", () => {
  test("a body over 1 MiB is a 413 and the keep-alive connection carries the next request", async () => {
    const server = await serve();
    const agent = keepAliveAgent();
    const big = JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) });
    const first = await rawRequest(server.url + BIOGRAPHY, { method: "POST", headers: json, body: big, agent });
    expect(first.status).toBe(413);
    expect(errorOf(first).kind).toBe("BodyTooLarge");
    const second = await rawRequest(server.url + BIOGRAPHY, { method: "POST", headers: json, body: '{"name":"y"}', agent });
    expect(second).toMatchObject({ status: 200, reused: true });
    expect(JSON.parse(second.text)).toEqual({ biography: "from b" });
  });

  test("a body declared far too large is refused at once with Connection: close", async () => {
    const server = await serve();
    const response = await new Promise<{ status: number; connection?: string; text: string }>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () => {
        socket.write(`POST ${BIOGRAPHY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n{`);
      });
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("error", reject);
      socket.on("close", () => {
        const [head = "", body = ""] = text.split("\r\n\r\n");
        resolve({ status: Number(head.split(" ")[1]), connection: /\r\nconnection: (\S+)/i.exec(head)?.[1], text: body });
      });
    });
    expect(response).toMatchObject({ status: 413, connection: "close" });
    expect(JSON.parse(response.text).error.kind).toBe("BodyTooLarge");
  });

  test("every error is JSON with a kind and a message, requests Node cannot parse included", async () => {
    const server = await serve();
    const answers = [
      await rawRequest(`${server.url}/nowhere`),
      await rawRequest(`${server.url}/api/plugins`, { method: "DELETE" }),
      await rawRequest(server.url + BIOGRAPHY, { method: "POST", headers: json, body: "{not json" }),
      await rawRequest(`${server.url}/metrics`, { method: "POST", headers: json, body: "{}" }),
    ];
    expect(answers.map((answer) => [answer.status, answer.headers["content-type"], errorOf(answer).kind])).toEqual([
      [404, "application/json; charset=utf-8", "NoSuchRoute"],
      [405, "application/json; charset=utf-8", "MethodNotAllowed"],
      [400, "application/json; charset=utf-8", "BadRequest"],
      [405, "application/json; charset=utf-8", "MethodNotAllowed"],
    ]);
    const garbled = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
    });
    expect(garbled).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(garbled.split("\r\n\r\n")[1]!)).toEqual({ error: { kind: "BadRequest", message: expect.stringContaining("could not be read") } });
  });
});
