/**
 * Batched, stateless suggestion for sweeps in experiment files: the kernel runs a static DAG,
 * so a TPE sweep is a chain of batches whose suggest step sees only the finished trials of
 * earlier batches. Everything here is a pure function of its arguments — replay re-runs it
 * and must get the same params bit for bit.
 */
import { RandomSampler } from './random';
import { inDist, type Direction, type Params, type Sampler, type Space } from './space';
import { TpeSampler, type TpeOptions } from './tpe';

/** A trial of an earlier batch: `value` null = failed (skipped); `curve` = [step, value] reports. */
export interface HistoryTrial {
  params: Params;
  value: number | null;
  pruned?: boolean;
  curve?: Array<[step: number, value: number]>;
}

export interface SuggestBatchOptions {
  space: Space;
  direction: Direction;
  history: readonly HistoryTrial[];
  n: number;
  seed: number;
  sampler: 'tpe' | 'random';
  tpe?: Omit<TpeOptions, 'seed' | 'direction'>;
}

/** FNV-1a over a string, folded into 32 bits: mixes seeds without a crypto dependency. */
function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** A seed that changes with the history, so batch b never replays the draws of batch b−1. */
export function historySeed(seed: number, history: readonly HistoryTrial[]): number {
  const canon = history.map((t) => [Object.keys(t.params).sort().map((k) => [k, t.params[k]]), t.value, t.pruned ?? false, t.curve ?? []]);
  return fnv1a(JSON.stringify(canon), fnv1a(String(seed)));
}

/** The last reported point of a curve (highest step), if any. */
function lastPoint(curve: HistoryTrial['curve']): { step: number; value: number } | undefined {
  let best: { step: number; value: number } | undefined;
  for (const [step, value] of curve ?? []) if (!best || step >= best.step) best = { step, value };
  return best;
}

/**
 * `n` params for the next batch, deterministic in (seed, history). Failed trials are skipped;
 * pruned ones count with their last intermediate value, as in Optuna. Within a batch, TPE
 * marks each suggestion as pending (constant liar) before asking the next, so the n differ.
 * Example: `suggestBatch({ space, direction: 'minimize', history: [], n: 4, seed: 1, sampler: 'tpe' })`.
 */
export function suggestBatch(opts: SuggestBatchOptions): Params[] {
  const seed = historySeed(opts.seed, opts.history);
  const valid = opts.history.filter((t) => Object.entries(opts.space).every(([k, d]) => t.params[k] !== undefined && inDist(d, t.params[k])));
  if (opts.sampler === 'random') {
    const s: Sampler = new RandomSampler(opts.space, { seed });
    return Array.from({ length: opts.n }, () => s.ask()!);
  }
  const tpe = new TpeSampler(opts.space, { ...opts.tpe, seed, direction: opts.direction });
  for (const t of valid) {
    if (t.pruned) tpe.tellPruned(t.params, lastPoint(t.curve));
    else if (t.value !== null && Number.isFinite(t.value)) tpe.tell(t.params, t.value);
  }
  const out: Params[] = [];
  for (let i = 0; i < opts.n; i++) {
    const p = tpe.ask();
    out.push(p);
    tpe.tellPending(p);
  }
  return out;
}
