import { watch, type FSWatcher, type Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { PACKAGE_SUFFIX } from "../plugins-folder.js";
import { REFRESH_FOLDER } from "../refresh-marker.js";

/** What a change means for the host. */
export interface FolderChanges {
  /** Plugin folders (paths in the plugins folder) whose files changed, or that were refreshed. */
  readonly changed: string[];
  /** Whether plugin folders appeared or disappeared. */
  readonly setChanged: boolean;
}

export interface FolderWatcherOptions {
  readonly folder: string;
  /** How often the cheap mtime poll runs, in case fs.watch misses an event. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** fs.watch events are gathered this long before a scan. Default 200 ms. */
  readonly debounceMs?: number;
  readonly onChange: (changes: FolderChanges) => Promise<void>;
}

const WATCHED_FILES = ["manifest.json", "plugin.wasm"];

/**
 * Watches a plugins folder: fs.watch on the folder, each plugin folder and the refresh
 * markers, debounced, plus an mtime poll as a fallback. Each scan compares the size and
 * modification time of every plugin's files (links followed; a generation-2 `<id>.ndp`
 * is its own file) and its refresh marker.
 */
export class FolderWatcher {
  private signatures = new Map<string, string>();
  private watchers: FSWatcher[] = [];
  private poll?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private scanning: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: FolderWatcherOptions) {}

  async start(): Promise<void> {
    this.signatures = await this.scan();
    this.rewatch();
    this.poll = setInterval(() => this.schedule(0), this.options.pollIntervalMs ?? 1000);
    this.poll.unref();
  }

  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    clearTimeout(this.debounce);
    for (const watcher of this.watchers) watcher.close();
    return this.scanning;
  }

  private schedule(delayMs = this.options.debounceMs ?? 200): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.scanning = this.scanning.then(() => this.check()).catch(() => undefined);
    }, delayMs);
  }

  private async check(): Promise<void> {
    if (this.closed) return;
    const next = await this.scan();
    const before = this.signatures;
    this.signatures = next;
    const setChanged = next.size !== before.size || [...next.keys()].some((path) => !before.has(path));
    const changed = [...next].filter(([path, signature]) => before.has(path) && before.get(path) !== signature).map(([path]) => path);
    if (!setChanged && changed.length === 0) return;
    if (setChanged) this.rewatch();
    await this.options.onChange({ changed, setChanged });
  }

  private async scan(): Promise<Map<string, string>> {
    const { folder } = this.options;
    const signatures = new Map<string, string>();
    const entries = await readdir(folder).catch(() => [] as string[]);
    for (const entry of entries.sort()) {
      if (entry.startsWith(".")) continue;
      const path = join(folder, entry);
      const files = await this.watchedFiles(path, entry);
      if (files.some((file) => !file?.isFile())) continue;
      const marker = await stat(join(folder, REFRESH_FOLDER, entry)).catch(() => undefined);
      signatures.set(path, [...files, marker].map((file) => (file ? `${file.ino}:${file.size}:${file.mtimeMs}` : "-")).join("|"));
    }
    return signatures;
  }

  /** A plugin folder's manifest and module, or a generation-2 `<id>.ndp` file itself. */
  private async watchedFiles(path: string, entry: string): Promise<(Stats | undefined)[]> {
    if (entry.endsWith(PACKAGE_SUFFIX)) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) return [info];
    }
    return Promise.all(WATCHED_FILES.map((file) => stat(join(path, file)).catch(() => undefined)));
  }

  private rewatch(): void {
    for (const watcher of this.watchers) watcher.close();
    const { folder } = this.options;
    const paths = [folder, join(folder, REFRESH_FOLDER), ...this.signatures.keys()];
    this.watchers = paths.flatMap((path) => {
      try {
        const watcher = watch(path, () => this.schedule());
        watcher.on("error", () => watcher.close());
        return [watcher];
      } catch {
        return []; // a folder that does not exist yet is covered by the poll
      }
    });
  }
}
