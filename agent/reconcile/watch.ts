/**
 * Watching the state dir: `fs.watch` on the directory (inotify on Linux: a write, a close
 * after writing, a file moved in or out, created or deleted all arrive as `change` or
 * `rename` events with the file's name), filtered to the six state file names, and
 * debounced: `onQuiet` runs once the directory has been quiet for `debounceMs` after the last
 * event. An editor that saves by writing a temp file and renaming it over the original gives
 * a `rename` event named after the state file, so it counts like any write.
 *
 * A burst of writes (100 in a second) gives one call; a file that is still being written
 * when an event fires is not read here at all: the caller reads and validates the whole set
 * after the quiet period, and a later write starts the wait again.
 *
 * When the directory itself goes away (deleted, or replaced by a rename), the watch is made
 * again every `retryMs` until it exists; a directory made anew counts as a change.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';

export interface WatchOptions {
  dir: string;
  /** The file names that count (others, like editor swap files and .git, are ignored). */
  names: readonly string[];
  debounceMs: number;
  /** Called after the quiet period with the names seen changing since the previous call. */
  onQuiet: (changed: string[]) => void;
  /** Called at each event that counts, before the quiet period (the daemon starts observing the system meanwhile). */
  onChange?: () => void;
  /** How often to try watching again after the directory disappeared (ms). Default 1000. */
  retryMs?: number;
  log?: (line: string) => void;
}

export class StateDirWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private changed = new Set<string>();
  private stopped = false;
  /** Events that counted so far (for tests and the benchmark). */
  events = 0;

  constructor(private readonly o: WatchOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** True while a change is waiting for its quiet period. */
  get settling(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.timer = this.retry = null;
  }

  private open(): void {
    if (this.stopped) return;
    try {
      this.watcher = watch(this.o.dir, { persistent: true }, (_type, name) => this.onEvent(name ? String(name) : null));
      this.watcher.on('error', (e) => this.lost(e));
    } catch (e) {
      this.lost(e);
    }
  }

  private lost(e: unknown): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.stopped) return;
    this.o.log?.(`cannot watch ${this.o.dir} (${(e as Error).message}); trying again every ${(this.o.retryMs ?? 1000) / 1000} s`);
    const again = () => {
      this.retry = null;
      if (this.stopped) return;
      if (!existsSync(this.o.dir)) {
        this.retry = setTimeout(again, this.o.retryMs ?? 1000);
        return;
      }
      this.open();
      if (this.watcher) this.onEvent(null); // it came back: whatever is there now counts as a change
    };
    this.retry = setTimeout(again, this.o.retryMs ?? 1000);
  }

  private onEvent(name: string | null): void {
    if (!existsSync(this.o.dir)) return this.lost(new Error('the directory was removed'));
    if (name !== null && !this.o.names.includes(name)) return;
    this.events++;
    for (const n of name === null ? this.o.names : [name]) this.changed.add(n);
    this.o.onChange?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const changed = [...this.changed].sort();
      this.changed.clear();
      this.o.onQuiet(changed);
    }, this.o.debounceMs);
  }
}
