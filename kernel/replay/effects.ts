/**
 * The one interface through which the kernel consumes nondeterminism (K7): job and skill
 * results, cache lookups, the clock. Live, values are computed and buffered per scope (a
 * step attempt `<step>#<attempt>`, or `run`) and written in that scope's commit
 * transaction. In replay, the same calls return the recorded values in order, and any
 * difference in what is asked is a divergence.
 */
import { canonicalJson } from '../common/canonical';
import type { RecordingRow } from '../store/recordings-repo';

export interface Recording {
  idx: number;
  kind: string;
  /** What was asked (e.g. the step's cache key); replay checks it matches. */
  request: string | null;
  value: unknown;
}

export interface CallOptions {
  /**
   * The computation is a pure function of its request (a deterministic in-process skill):
   * replay runs it again and checks that it still gives the recorded value bit for bit.
   */
  reexecute?: boolean;
}

export interface Effects {
  readonly mode: 'live' | 'replay';
  call<T>(scope: string, kind: string, request: string | null, fn: () => Promise<T>, opts?: CallOptions): Promise<T>;
  /** Takes the recordings buffered for `scope` (live) — to be written with its commit. */
  drain(scope: string): Recording[];
}

export const attemptScope = (stepId: string, attempt: number): string => `${stepId}#${attempt}`;

/** Live mode: runs the computation and remembers its result. */
export class Recorder implements Effects {
  readonly mode = 'live' as const;
  private readonly buffers = new Map<string, Recording[]>();

  /** @example const result = await recorder.call('train#1', 'job', cacheKey, () => runJob()) */
  async call<T>(scope: string, kind: string, request: string | null, fn: () => Promise<T>): Promise<T> {
    const value = await fn();
    const buf = this.buffers.get(scope) ?? [];
    buf.push({ idx: buf.length, kind, request, value });
    this.buffers.set(scope, buf);
    return value;
  }

  drain(scope: string): Recording[] {
    const buf = this.buffers.get(scope) ?? [];
    this.buffers.delete(scope);
    return buf;
  }
}

/** Thrown when a replay asks for something other than what was recorded. */
export class DivergenceError extends Error {
  constructor(
    readonly stepId: string | null,
    readonly field: string,
    readonly recorded: unknown,
    readonly replayed: unknown,
  ) {
    super(`diverged at step ${stepId ?? '(run)'} field ${field}: recorded ${fmt(recorded)}, replayed ${fmt(replayed)}`);
  }
}

/** Thrown when a replay needs a value the journal never recorded (the run stopped there). */
export class RecordingExhausted extends Error {
  constructor(readonly scope: string) {
    super(`no recording left in scope ${scope}`);
  }
}

function fmt(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Replay mode: never runs the computation; returns what the journal recorded. */
export class Replayer implements Effects {
  readonly mode = 'replay' as const;
  private readonly byScope = new Map<string, RecordingRow[]>();
  private readonly cursor = new Map<string, number>();

  constructor(
    rows: readonly RecordingRow[],
    private readonly decode: (json: string | null) => unknown,
  ) {
    for (const r of rows) this.byScope.set(r.scope, [...(this.byScope.get(r.scope) ?? []), r]);
    for (const list of this.byScope.values()) list.sort((a, b) => a.idx - b.idx);
  }

  /** Attempts recorded for a step, ascending. */
  attempts(stepId: string): number[] {
    const out: number[] = [];
    for (const scope of this.byScope.keys()) {
      const hash = scope.lastIndexOf('#');
      if (hash > 0 && scope.slice(0, hash) === stepId) out.push(Number(scope.slice(hash + 1)));
    }
    return out.sort((a, b) => a - b);
  }

  async call<T>(scope: string, kind: string, request: string | null, fn: () => Promise<T>, opts: CallOptions = {}): Promise<T> {
    const i = this.cursor.get(scope) ?? 0;
    const row = this.byScope.get(scope)?.[i];
    if (!row) throw new RecordingExhausted(scope);
    this.cursor.set(scope, i + 1);
    const stepId = scope === 'run' ? null : scope.slice(0, scope.lastIndexOf('#'));
    if (row.kind !== kind) throw new DivergenceError(stepId, `recording ${i} kind`, row.kind, kind);
    if (row.request !== request) throw new DivergenceError(stepId, `${kind} request (cache key)`, row.request, request);
    const recorded = this.decode(row.value_json) as T;
    if (opts.reexecute) {
      const again = await fn();
      if (canonicalJson(again) !== canonicalJson(recorded)) throw new DivergenceError(stepId, `${kind} result (re-executed)`, recorded, again);
    }
    return recorded;
  }

  drain(): Recording[] {
    return [];
  }
}
