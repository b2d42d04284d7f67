/**
 * Undo/redo over whole document snapshots (the file text): simple, and an undo can never
 * leave the document half-edited. Rapid edits of the same field — typing in one input, one
 * drag — pass the same `coalesce` key and become one entry, so undo goes back to before the
 * burst instead of one keystroke at a time.
 */

export interface HistoryOptions {
  /** Edits with the same key closer together than this (ms) are merged. Default 1000. */
  coalesceMs?: number;
  /** Oldest entries are dropped beyond this many. Default 200. */
  limit?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * @example
 * const h = new History('a'); h.push('ab', 'name'); h.push('abc', 'name'); h.undo() // 'a'
 */
export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private present: T;
  private lastKey: string | null = null;
  private lastAt = -Infinity;
  private readonly coalesceMs: number;
  private readonly limit: number;
  private readonly now: () => number;

  constructor(initial: T, opts: HistoryOptions = {}) {
    this.present = initial;
    this.coalesceMs = opts.coalesceMs ?? 1000;
    this.limit = opts.limit ?? 200;
    this.now = opts.now ?? Date.now;
  }

  /** The current snapshot. */
  current(): T {
    return this.present;
  }

  /** Records a new snapshot; with the same `coalesce` key as the previous push, soon after it, replaces it. */
  push(next: T, coalesce?: string): void {
    const at = this.now();
    const merge = coalesce !== undefined && coalesce === this.lastKey && at - this.lastAt <= this.coalesceMs && this.past.length > 0;
    if (!merge) {
      this.past.push(this.present);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.present = next;
    this.future = [];
    this.lastKey = coalesce ?? null;
    this.lastAt = at;
  }

  canUndo(): boolean {
    return this.past.length > 0;
  }

  canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Steps back; returns the snapshot now current, or null when there is nothing to undo. */
  undo(): T | null {
    const prev = this.past.pop();
    if (prev === undefined) return null;
    this.future.push(this.present);
    this.present = prev;
    this.lastKey = null;
    return prev;
  }

  /** Steps forward again; null when nothing was undone since the last push. */
  redo(): T | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.present);
    this.present = next;
    this.lastKey = null;
    return next;
  }
}
