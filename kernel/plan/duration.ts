/**
 * Durations as people write them in experiment files: "250ms", "30s", "5m", "2h", or a
 * plain number of seconds. Anything else is refused rather than guessed at, because a
 * misread timeout (ms vs s) fails silently hours later.
 */

/** The accepted forms, for error hints. */
export const DURATION_FORMS = 'accepted forms: 250ms, 30s, 1.5m, 2h, or a number of seconds such as 90';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

// Digits with an optional fraction, then a unit; no sign, no exponent, no spaces.
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * Parses a duration into whole milliseconds (rounded to the nearest one).
 * @example parseDuration('5m') // { ms: 300000 }; parseDuration(1.5) // { ms: 1500 }
 * @example parseDuration('10 minutes') // { error: 'expected a duration such as 30s or 5m, got "10 minutes"' }
 */
export function parseDuration(v: unknown): { ms: number } | { error: string } {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) return { error: `expected a duration ≥ 0, got ${v}` };
    return checked(v * 1000, String(v));
  }
  if (typeof v === 'string') {
    const m = DURATION_RE.exec(v.trim());
    if (m) return checked(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS], JSON.stringify(v));
    return { error: `expected a duration such as 30s or 5m, got ${JSON.stringify(v)}` };
  }
  return { error: `expected a duration such as 30s or 5m, got ${describeKind(v)}` };
}

/**
 * Formats milliseconds the way a user would write them, for messages and docs.
 * @example formatDuration(90_000) // '90s'; formatDuration(3_600_000) // '1h'
 */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function checked(ms: number, shown: string): { ms: number } | { error: string } {
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded)) return { error: `duration ${shown} is too long` };
  return { ms: rounded };
}

function describeKind(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return String(v);
}
