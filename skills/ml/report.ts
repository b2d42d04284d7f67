/**
 * `report` (in-process, deterministic): turns a selection into `report.md` (ranked table,
 * winner, ties, failed trials, manifest links) and `report.json` (the same, as data).
 */
import { z } from 'zod';
import { canonicalJson } from '../../kernel/common/canonical';
import type { InProcessSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from '../utility/job-outputs';
import { selectionSchema, type Ranked, type Selection } from './select';

export const reportParams = z.strictObject({
  title: z.string().min(1, 'title is a non-empty heading for the report'),
  /** A URL or path of the run shown in the report (e.g. of a dashboard). */
  runLink: z.string().min(1).optional(),
});

export const reportOutputs = z.strictObject({ markdown: artifactRefSchema, json: artifactRefSchema, winner: z.string().nullable() });

/** Four significant digits, no exponent for ordinary magnitudes. @example fmt(0.612345) === '0.6123' */
export function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function paramsText(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

function meanText(r: Pick<Ranked, 'mean' | 'ci95'>): string {
  if (r.mean === null) return '—';
  return r.ci95 === null ? `${fmt(r.mean)} (n=1, no CI)` : `${fmt(r.mean)} ± ${fmt((r.ci95[1] - r.ci95[0]) / 2)}`;
}

function seedsText(r: Ranked): string {
  const vals = r.values.map((v) => `${v.seed === null ? '?' : `s${v.seed}`}: ${fmt(v.value)}`);
  if (r.failed > 0) vals.push(`${r.failed} failed`);
  return vals.join(', ') || '—';
}

/** @example renderReport(selection, { title: 'LoRA rank sweep', runId: 'r1' }) starts with '# LoRA rank sweep' */
export function renderReport(sel: Selection, opts: { title: string; runId: string; runLink?: string | undefined }): string {
  const lines = [`# ${opts.title}`, '', `Metric: **${sel.metric}** (${sel.direction}) · run \`${opts.runId}\``, ''];
  lines.push('## Winner', '');
  const w = sel.winner;
  if (w === null) {
    lines.push('No config produced a value: every trial failed.');
  } else {
    const ci = w.ci95 === null ? 'one trial, no confidence interval' : `95% CI [${fmt(w.ci95[0])}, ${fmt(w.ci95[1])}]`;
    lines.push(`**${w.config}** — mean ${fmt(w.mean)} (${ci}), n = ${w.n}; params: ${paramsText(w.params)}`);
    lines.push('', sel.ties.length > 0 ? `Tied with the winner (intervals overlap or means within the tolerance): ${sel.ties.join(', ')}.` : 'No config is tied with the winner.');
  }
  lines.push('', '## Ranking', '', '| # | config | params | mean ± 95% CI | n | per-seed values |', '|---|---|---|---|---|---|');
  for (const r of sel.ranking) {
    lines.push(`| ${r.rank ?? '—'} | ${cell(r.config)} | ${cell(paramsText(r.params))} | ${meanText(r)} | ${r.n} | ${cell(seedsText(r))} |`);
  }
  lines.push('', '## Failed trials', '');
  if (sel.failedTrials.length === 0) lines.push('None.');
  for (const f of sel.failedTrials) {
    const where = [f.seed !== null ? `seed ${f.seed}` : null, f.step !== null ? `step \`${f.step}\`` : null].filter(Boolean).join(', ');
    lines.push(`- ${f.config ?? '(unlabelled)'}${where ? ` (${where})` : ''}: ${f.reason}${f.manifest !== null ? ` — manifest ${f.manifest}` : ''}`);
  }
  lines.push('', '## Provenance', '');
  lines.push(`- Run manifest: \`sgr manifest ${opts.runId}\` (file \`$SGR_HOME/manifests/${opts.runId}.json\`)`);
  if (opts.runLink !== undefined) lines.push(`- Run: ${opts.runLink}`);
  const manifests = sel.ranking.flatMap((r) => r.values.filter((v) => v.manifest !== null).map((v) => `- ${r.config}${v.seed !== null ? ` seed ${v.seed}` : ''}: ${v.manifest}`));
  if (manifests.length > 0) lines.push('', 'Trial manifests:', '', ...manifests);
  return `${lines.join('\n')}\n`;
}

export const reportSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'report',
  version: '1.0.0',
  description: 'Writes a Markdown and a JSON report of a selection: ranked configs with CIs, winner, ties, failed trials, manifest links.',
  capabilities: [],
  params: reportParams,
  outputs: reportOutputs,
  async run(raw, ctx) {
    const p = reportParams.parse(raw);
    const given = ctx.inputs.selection as { selection?: unknown } | undefined;
    // Accept the select step's `selection` output, or an object that holds it.
    const parsed = selectionSchema.safeParse(given !== null && typeof given === 'object' && 'selection' in given ? given.selection : given);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`input "selection" must be the outputs of a select step (\${steps.<select>.outputs.selection}): ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad value'}`);
    }
    const sel = parsed.data;
    const trials = Array.isArray(ctx.inputs.trials) ? ctx.inputs.trials : null;
    const markdown = renderReport(sel, { title: p.title, runId: ctx.runId, runLink: p.runLink });
    const json = canonicalJson({ title: p.title, runId: ctx.runId, runLink: p.runLink ?? null, manifest: `sgr manifest ${ctx.runId}`, selection: sel, trials });
    return {
      markdown: await ctx.putArtifact('report.md', markdown),
      json: await ctx.putArtifact('report.json', json),
      winner: sel.winner?.config ?? null,
    };
  },
};
