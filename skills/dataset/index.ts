/**
 * The `dataset` skill (in-process, deterministic): a seeded synthetic text-to-SQL set, or
 * a `.jsonl`/`.csv` file below the experiment directory, shuffled and split into
 * train/val/test JSONL artifacts with summary statistics and a digest of the whole set.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { StepFailure } from '../../kernel/lifecycle/failure';
import type { InProcessSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from '../utility/job-outputs';
import { ingestFile, resolveInside, type Row } from './ingest';
import { datasetStats, sha256, splitRows, toJsonl } from './split';
import { generateSynthetic } from './synthetic';
import { TABLE_NAMES } from './tables';

const fraction = z.number().min(0).max(1);

export const datasetParams = z.strictObject({
  source: z
    .strictObject({
      synthetic: z
        .strictObject({
          seed: z.number().int(),
          size: z.number().int().min(1).max(100000),
          /** Restricts the tables questions may use (default: all). */
          tables: z.array(z.enum(TABLE_NAMES)).min(1).optional(),
        })
        .optional(),
      /** A `.jsonl` or `.csv` file, relative to the experiment directory and inside it. */
      path: z.string().min(1).optional(),
      /** If given, the file's sha256 must match (and, being a param, it enters the cache key). */
      sha256: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256 is "sha256:" followed by 64 hex digits').optional(),
    })
    .superRefine((s, ctx) => {
      if ((s.synthetic === undefined) === (s.path === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of source.synthetic or source.path' });
      if (s.sha256 !== undefined && s.path === undefined) ctx.addIssue({ code: 'custom', path: ['sha256'], message: 'sha256 only applies to a path source' });
    }),
  split: z
    .strictObject({ train: fraction, val: fraction, test: fraction })
    .refine((f) => Math.abs(f.train + f.val + f.test - 1) <= 1e-9, { message: 'split: train + val + test must sum to 1' })
    .default({ train: 0.8, val: 0.1, test: 0.1 }),
  splitSeed: z.number().int().default(0),
});

const lengthStats = z.strictObject({ mean: z.number(), min: z.number().int(), max: z.number().int() }).nullable();

export const datasetOutputs = z.strictObject({
  train: artifactRefSchema,
  val: artifactRefSchema,
  test: artifactRefSchema,
  stats: z.strictObject({
    rows: z.strictObject({ total: z.number().int(), train: z.number().int(), val: z.number().int(), test: z.number().int() }),
    question: lengthStats,
    sql: lengthStats,
    difficulty: z.record(z.string(), z.number().int()),
  }),
  /** sha256 of the canonical JSONL of the full dataset, before the split. */
  digest: z.string().startsWith('sha256:'),
  /** sha256 of the ingested file's bytes; null for a synthetic source. */
  sourceDigest: z.string().startsWith('sha256:').nullable(),
});

/**
 * Bad input data (unreadable, malformed, escaping path) fails the step as a user error; a
 * plain Error from an in-process skill would be taken for a kernel bug.
 */
function loadRows(p: z.infer<typeof datasetParams>, baseDir: string): { rows: Row[]; sourceDigest: string | null } {
  try {
    if (p.source.synthetic) return { rows: generateSynthetic(p.source.synthetic) as unknown as Row[], sourceDigest: null };
    const file = ingestFile(baseDir, p.source.path as string);
    if (p.source.sha256 !== undefined && p.source.sha256 !== file.sha256) {
      throw new Error(`source.sha256: ${p.source.path} has digest ${file.sha256}, expected ${p.source.sha256}`);
    }
    if (file.rows.length === 0) throw new Error(`source.path: ${p.source.path} holds no rows`);
    return { rows: file.rows, sourceDigest: file.sha256 };
  } catch (err) {
    throw new StepFailure('user_error', (err as Error).message);
  }
}

export const datasetSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'dataset',
  // 1.1.0: the content of a path source is part of the cache key.
  version: '1.1.0',
  description: 'Builds a dataset (seeded synthetic text-to-SQL, or a .jsonl/.csv file) and splits it into train/val/test JSONL.',
  // Path sources read a file, but only below the experiment directory (checked in ingest).
  capabilities: [],
  params: datasetParams,
  outputs: datasetOutputs,
  // A path source's bytes are part of the cache key: editing the file re-runs the step.
  cacheInputs(raw, baseDir): Record<string, string> {
    const path = (raw as { source?: { path?: unknown } }).source?.path;
    if (typeof path !== 'string' || path.includes('${')) return {};
    const file = resolveInside(baseDir, path);
    return { source: `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}` };
  },
  async run(raw, ctx) {
    const p = datasetParams.parse(raw);
    const { rows, sourceDigest } = loadRows(p, ctx.baseDir);
    const split = splitRows(rows, p.split, p.splitSeed);
    const stats = datasetStats(rows, split);
    ctx.log(`dataset: ${rows.length} rows → train ${split.train.length}, val ${split.val.length}, test ${split.test.length}`);
    return {
      train: await ctx.putArtifact('train.jsonl', toJsonl(split.train)),
      val: await ctx.putArtifact('val.jsonl', toJsonl(split.val)),
      test: await ctx.putArtifact('test.jsonl', toJsonl(split.test)),
      stats,
      digest: sha256(toJsonl(rows)),
      sourceDigest,
    };
  },
};
