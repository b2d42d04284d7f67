/**
 * The text of `sgr diff`, `sgr replay`, `sgr drift` and `sgr rerun`: one formatter module,
 * so a change between two runs, a replay divergence and a drift item read the same way.
 */
import type { Drift } from '../../common/contract-replay';
import { DIFF_SECTIONS, type DiffSection, type ManifestDiff } from '../../common/manifest-diff';
import type { ReplayReport, ReplayStepStatus } from '../../replay/replay';
import { RESULT_SECTIONS, type ResultDiff } from '../../replay/rerun';

const HASH = /\b(sha256:)?([0-9a-f]{40}|[0-9a-f]{64})\b/g;

/** Values as JSON, with digests and commit ids cut to 12 hex characters. */
export function show(v: unknown): string {
  const text = v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
  const short = text.replace(HASH, (_m, prefix: string | undefined, hex: string) => `${prefix ?? ''}${hex.slice(0, 12)}`);
  return short.length > 200 ? `${short.slice(0, 197)}...` : short;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Sections of `{ path, a, b }` changes; identical sections take one line. */
function formatSections<S extends string>(names: readonly S[], get: (s: S) => Array<{ path: string; a: unknown; b: unknown }>, noun: string): string[] {
  const lines: string[] = [];
  for (const section of names) {
    const changes = get(section);
    if (changes.length === 0) {
      lines.push(`${section}: identical`);
      continue;
    }
    lines.push(`${section}: ${plural(changes.length, noun)}`);
    for (const c of changes) lines.push(`  ${c.path}: ${show(c.a)} → ${show(c.b)}`);
  }
  return lines;
}

/** Grouped text; identical sections take one line. @example "environment: identical" */
export function formatDiff(a: string, b: string, diff: ManifestDiff, sections: readonly DiffSection[] = DIFF_SECTIONS): string {
  return `${[`diff ${a} → ${b}`, ...formatSections(sections, (s) => diff[s].changes, 'change')].join('\n')}\n`;
}

export const DRIFT_SECTIONS = ['code', 'environment', 'data', 'skills'] as const;

/** What changed since the run ran, `recorded → now` per item. @example "data: 1 drifted\n  train.py: sha256:… → —" */
export function formatDrift(d: Drift): string {
  const head = d.identical ? `drift ${d.runId}: nothing changed since the run (code, environment, data, skills)` : `drift ${d.runId}: recorded → now`;
  const body = d.identical ? [] : formatSections(DRIFT_SECTIONS, (s) => d[s].map((i) => ({ path: i.path, a: i.recorded, b: i.now })), 'drifted item');
  return `${[head, ...body].join('\n')}\n`;
}

const GLYPH: Record<ReplayStepStatus, string> = { identical: '✓', diverged: '✗', 'not-reached': '·', unfinished: '…' };

/** One line per step (glyph, id, status), then the verdict. */
export function formatReplay(r: Pick<ReplayReport, 'identical' | 'divergence' | 'compared' | 'steps' | 'unfinished'>): string {
  const lines = r.steps.map((s) => `  ${GLYPH[s.status]} ${s.stepId}${s.status === 'identical' ? '' : ` (${s.status})`}`);
  if (r.identical) {
    lines.push(`identical — ${plural(r.compared, 'step')} re-derived from the journal without running any job` +
      `${r.unfinished.length ? `; ${plural(r.unfinished.length, 'unfinished step')} not compared (${r.unfinished.join(', ')})` : ''}`);
  } else {
    const d = r.divergence;
    lines.push(`diverged at step ${d?.stepId ?? '(run)'}, field ${d?.field}`, `  recorded: ${show(d?.recorded)}`, `  replayed: ${show(d?.replayed)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A re-run's results against its original: "results identical", or the differing metrics and step outputs. */
export function formatResults(original: string, rerun: string, r: ResultDiff): string {
  if (r.identical) return `results identical: ${rerun} reproduces ${original} (final metrics and every step's outputs)\n`;
  const lines = [`results differ: ${original} → ${rerun}`, ...formatSections(RESULT_SECTIONS, (s) => r.sections[s as 'metrics' | 'steps'].changes, 'change')];
  return `${lines.join('\n')}\n`;
}
