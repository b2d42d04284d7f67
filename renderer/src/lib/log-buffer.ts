/**
 * Lines of one log stream held as a byte window [start, end) of the file: chunks from
 * logs.read are appended at the end (follow) or prepended at the start (scroll-up), and a
 * line cut by a chunk boundary is joined back. Never the whole file: only what was read.
 */
export interface LogWindow {
  start: number;
  end: number;
  /** The last entry is the unterminated tail (often ''). lines[0] may be cut when start > 0. */
  lines: string[];
}

export const emptyLog = (): LogWindow => ({ start: 0, end: 0, lines: [''] });

export function appendChunk(w: LogWindow, text: string, nextOffset: number): LogWindow {
  if (text.length === 0) return nextOffset === w.end ? w : { ...w, end: nextOffset };
  const pieces = text.split('\n');
  const lines = w.lines.slice();
  lines[lines.length - 1] = (lines[lines.length - 1] ?? '') + (pieces[0] ?? '');
  for (let i = 1; i < pieces.length; i++) lines.push(pieces[i] as string);
  return { start: w.start, end: nextOffset, lines };
}

export function prependChunk(w: LogWindow, text: string, offset: number): LogWindow {
  if (text.length === 0) return { ...w, start: offset };
  const pieces = text.split('\n');
  const joined = (pieces.pop() ?? '') + (w.lines[0] ?? '');
  return { start: offset, end: w.end, lines: [...pieces, joined, ...w.lines.slice(1)] };
}

/** Lines to show: without the empty unterminated tail. */
export function visibleLines(w: LogWindow): string[] {
  const last = w.lines[w.lines.length - 1];
  return last === '' ? w.lines.slice(0, -1) : w.lines;
}

/** Indices of lines containing `query` (case-insensitive). */
export function findMatches(lines: readonly string[], query: string): number[] {
  if (!query) return [];
  const q = query.toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if ((lines[i] as string).toLowerCase().includes(q)) out.push(i);
  return out;
}

/** A line split into plain and matching parts for highlighting. */
export function highlightParts(line: string, query: string): { text: string; match: boolean }[] {
  if (!query) return [{ text: line, match: false }];
  const lower = line.toLowerCase();
  const q = query.toLowerCase();
  const parts: { text: string; match: boolean }[] = [];
  let from = 0;
  for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, at + q.length)) {
    if (at > from) parts.push({ text: line.slice(from, at), match: false });
    parts.push({ text: line.slice(at, at + q.length), match: true });
    from = at + q.length;
  }
  if (from < line.length || parts.length === 0) parts.push({ text: line.slice(from), match: false });
  return parts;
}

/**
 * Drops whole lines from the top beyond `max` (follow mode on a huge log); `start` moves by
 * their byte length (`byteLength` is UTF-8 in the app) so scrolling up re-reads them exactly.
 */
export function capLines(w: LogWindow, max: number, byteLength: (s: string) => number = (s) => s.length): LogWindow {
  if (w.lines.length <= max) return w;
  const drop = w.lines.length - max;
  let bytes = 0;
  for (let i = 0; i < drop; i++) bytes += byteLength(w.lines[i] as string) + 1;
  return { start: w.start + bytes, end: w.end, lines: w.lines.slice(drop) };
}
