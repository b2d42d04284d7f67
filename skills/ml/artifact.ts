/**
 * `artifact` (in-process): registers files of the experiment directory, or artifacts of
 * earlier steps, in the CAS under a name with metadata, e.g. a hand-made eval set or the
 * model a report should point to.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { isArtifactRef } from '../../kernel/common/plan';
import { StepFailure } from '../../kernel/lifecycle/failure';
import type { InProcessSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from '../utility/job-outputs';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const entry = z
  .strictObject({
    /** A file relative to the experiment directory (it must stay inside it). */
    path: z.string().min(1).optional(),
    /** The name of an input holding an artifact. */
    from: z.string().min(1).optional(),
    meta: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((e) => (e.path === undefined) !== (e.from === undefined), 'give exactly one of path or from');

export const artifactParams = z.strictObject({
  files: z.record(z.string().regex(NAME, 'an artifact name holds letters, digits, _ . - and starts with a letter or _'), entry).default({}),
});

export const artifactOutputs = z.record(z.string(), artifactRefSchema.extend({ meta: z.record(z.string(), z.unknown()) }));

/** Resolves `path` below `baseDir`, following symlinks, or throws naming the param. */
export function pathInside(baseDir: string, path: string, field: string): string {
  if (isAbsolute(path)) throw new Error(`${field}: "${path}" must be relative to the experiment directory`);
  let real: string;
  let root: string;
  try {
    root = realpathSync(baseDir);
    real = realpathSync(resolve(baseDir, path));
  } catch {
    throw new Error(`${field}: cannot read ${resolve(baseDir, path)}`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new Error(`${field}: "${path}" leaves the experiment directory`);
  }
  return real;
}

function entries(raw: Record<string, unknown>): Array<[string, { path?: unknown }]> {
  const files = (raw as { files?: unknown }).files;
  if (files === null || typeof files !== 'object') return [];
  return Object.entries(files as Record<string, { path?: unknown }>);
}

export const artifactSkill: InProcessSkill = {
  kind: 'inproc',
  name: 'artifact',
  version: '1.0.0',
  description: 'Registers experiment files or upstream artifacts in the store under a name, with metadata.',
  // Reads files only below the experiment directory (checked with realpath), like dataset.
  capabilities: [],
  params: artifactParams,
  outputs: artifactOutputs,
  async run(raw, ctx) {
    const p = artifactParams.parse(raw);
    const out: Record<string, unknown> = {};
    const taken = new Set<string>();
    try {
      for (const [name, e] of Object.entries(p.files)) {
        if (e.path !== undefined) {
          const data = readFileSync(pathInside(ctx.baseDir, e.path, `files.${name}.path`));
          out[name] = { ...(await ctx.putArtifact(basename(e.path), data)), meta: e.meta };
        } else {
          const ref = ctx.inputs[e.from as string];
          if (!isArtifactRef(ref)) throw new Error(`files.${name}.from: input "${e.from}" is not an artifact (inputs: ${Object.keys(ctx.inputs).join(', ') || 'none'})`);
          taken.add(e.from as string);
          out[name] = { $artifact: ref.$artifact, size: ref.size, name: ref.name, meta: e.meta };
        }
      }
    } catch (err) {
      throw new StepFailure('user_error', (err as Error).message);
    }
    // Inputs no entry names are registered under their own name, without metadata.
    for (const [name, ref] of Object.entries(ctx.inputs)) {
      if (taken.has(name) || name in out) continue;
      if (!isArtifactRef(ref)) throw new StepFailure('user_error', `input "${name}" is not an artifact`);
      out[name] = { $artifact: ref.$artifact, size: ref.size, name: ref.name, meta: {} };
    }
    ctx.log(`artifact: registered ${Object.keys(out).join(', ') || 'nothing'}`);
    return out;
  },
  // The files' content is part of the cache key: editing one re-runs the step.
  cacheInputs(raw, baseDir) {
    const digests: Record<string, string> = {};
    for (const [name, e] of entries(raw)) {
      if (typeof e?.path !== 'string' || e.path.includes('${')) continue;
      const data = readFileSync(pathInside(baseDir, e.path, `files.${name}.path`));
      digests[name] = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    }
    return digests;
  },
};
