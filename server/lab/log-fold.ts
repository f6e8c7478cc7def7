import type { LogEntry } from "../../lib/report";

/** How repeated happenings fold into one line. */
export interface FoldTiming {
  /** A fold that counted nothing new for this long ends; the next happening opens a new line. @default 2000 */
  quietMs: number;
  /** An open fold's line is sent again, with its new count, at most this often. @default 1000 */
  updateEveryMs: number;
}

export const DEFAULT_FOLD_TIMING: FoldTiming = { quietMs: 2000, updateEveryMs: 1000 };

/** An open or ending fold, as its line is drawn: `atMs` is when it began. */
export interface FoldView<S> {
  id: string;
  atMs: number;
  lastAtMs: number;
  ended: boolean;
  state: S;
}

interface Open<S> {
  id: string;
  atMs: number;
  lastAtMs: number;
  state: S;
  sentAtMs: number | null;
  dirty: boolean;
}

/**
 * Repeated happenings of one key (a node refusing commands, lock attempts failing for one reason)
 * as one line whose count goes up: the line is sent when the fold opens, again with its new count
 * at most every `updateEveryMs`, and once more when it ends — always with the same `id`, so the
 * page updates the line in place. Time is the caller's (ms since t = 0), so tests drive it.
 */
export class Folds<S> {
  private readonly open = new Map<string, Open<S>>();
  private readonly opened = new Map<string, number>();

  constructor(
    private readonly idPrefix: string,
    private readonly timing: FoldTiming,
    private readonly render: (fold: FoldView<S>) => LogEntry,
    private readonly emit: (entry: LogEntry) => void,
  ) {}

  /** Counts one more happening of `key` at `atMs`, opening a fold (with `start()`) if none is open. */
  add(key: string, atMs: number, start: () => S, update: (state: S) => void): void {
    let fold = this.open.get(key);
    if (!fold) {
      const n = (this.opened.get(key) ?? 0) + 1;
      this.opened.set(key, n);
      fold = { id: `${this.idPrefix}:${key}:${n}`, atMs, lastAtMs: atMs, state: start(), sentAtMs: null, dirty: true };
      this.open.set(key, fold);
    }
    update(fold.state);
    fold.lastAtMs = Math.max(fold.lastAtMs, atMs);
    fold.dirty = true;
  }

  /** At the end of a window: ends the quiet folds, sends the new ones and the updates that are due. */
  flush(nowMs: number): void {
    for (const [key, fold] of this.open) {
      // Quiet long enough: the happening is over, and its line says for how long.
      if (nowMs - fold.lastAtMs >= this.timing.quietMs) {
        this.send(fold, true);
        this.open.delete(key);
        continue;
      }
      if (fold.dirty && (fold.sentAtMs === null || nowMs - fold.sentAtMs >= this.timing.updateEveryMs)) {
        this.send(fold, false);
        fold.sentAtMs = nowMs;
      }
    }
  }

  /** Ends every fold now (the run is over). */
  closeAll(): void {
    for (const fold of this.open.values()) this.send(fold, true);
    this.open.clear();
  }

  private send(fold: Open<S>, ended: boolean): void {
    fold.dirty = false;
    this.emit(this.render({ id: fold.id, atMs: fold.atMs, lastAtMs: fold.lastAtMs, ended, state: fold.state }));
  }
}
