/**
 * Pages of a server-side list (runs.list offset/limit), fetched as the table scrolls. Keeps
 * at most `maxPages` pages (least recently used evicted) so 100k rows never sit in memory
 * twice; a new query (sort, filter) starts a new cache.
 */
export class PageCache<T> {
  private readonly pages = new Map<number, T[]>();
  private readonly inflight = new Set<number>();

  constructor(
    readonly pageSize: number,
    private readonly maxPages = 64,
  ) {}

  pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  /** The row at `index`, or undefined when its page is not loaded. Touches the page (LRU). */
  get(index: number): T | undefined {
    const p = this.pageOf(index);
    const page = this.pages.get(p);
    if (!page) return undefined;
    this.pages.delete(p);
    this.pages.set(p, page);
    return page[index - p * this.pageSize];
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Pages covering rows [start, end) that are neither loaded nor being fetched. */
  missing(start: number, end: number, total: number): number[] {
    const last = Math.min(end, total) - 1;
    if (last < start) return [];
    const out: number[] = [];
    for (let p = this.pageOf(Math.max(0, start)); p <= this.pageOf(last); p++) {
      if (!this.pages.has(p) && !this.inflight.has(p)) out.push(p);
    }
    return out;
  }

  markInflight(page: number): void {
    this.inflight.add(page);
  }

  put(page: number, rows: T[]): void {
    this.inflight.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
  }

  fail(page: number): void {
    this.inflight.delete(page);
  }

  /** Updates every cached row `match` selects; true when one changed. */
  patch(match: (row: T) => boolean, update: (row: T) => T): boolean {
    let changed = false;
    for (const rows of this.pages.values()) {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as T;
        if (match(row)) {
          rows[i] = update(row);
          changed = true;
        }
      }
    }
    return changed;
  }

  clear(): void {
    this.pages.clear();
    this.inflight.clear();
  }

  get size(): number {
    return this.pages.size;
  }
}
