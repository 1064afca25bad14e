import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { rawRequest } from "./http.js";

const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  /** Posts JSON to one export of a loaded plugin and answers its JSON output (status 200 expected). */
  callExport(plugin: string, exportName: string, input: unknown): Promise<any>;
  /** Sends `signal` (SIGTERM unless given) and resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `nd serve --port 0 <args>` as a child process of the built binary, once it listens and `plugin` is loaded. */
export async function startServeProcess(args: string[], plugin: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...args], {
    // No compile cache: a test writes nothing outside its own folders.
    env: { PATH: process.env.PATH ?? "", NODE_DISABLE_COMPILE_CACHE: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  try {
    const url = await listeningUrl(child, () => stderr);
    await waitUntilLoaded(url, plugin);
    return {
      url,
      child,
      stderr: () => stderr,
      async callExport(pluginId, exportName, input) {
        const answer = await rawRequest(`${url}/api/plugins/${pluginId}/exports/${exportName}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(input),
        });
        if (answer.status !== 200) throw new Error(`${exportName} answered ${answer.status}: ${answer.text}`);
        return JSON.parse(answer.text);
      },
      stop,
    };
  } catch (error) {
    await stop("SIGKILL");
    throw error;
  }
}

function listeningUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const found = /listening on (http:\/\/[^\s"]+)/.exec(stderr());
      if (!found) return;
      child.stderr!.off("data", look);
      resolve(found[1]!);
    };
    child.stderr!.on("data", look);
    child.once("exit", (code) => reject(new Error(`nd serve exited with ${code} before listening: ${stderr()}`)));
  });
}

async function waitUntilLoaded(url: string, plugin: string): Promise<void> {
  for (;;) {
    const plugins = JSON.parse((await rawRequest(`${url}/api/plugins`)).text) as { name: string; state: string; error?: { message: string } }[];
    const found = plugins.find((candidate) => candidate.name === plugin);
    if (found?.state === "loaded") return;
    if (found?.state === "failed") throw new Error(`plugin ${plugin} failed to load: ${found.error?.message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
