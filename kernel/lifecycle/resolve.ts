/**
 * The resolve phase: hydrates `${steps.x.outputs.y}` references from committed upstream
 * outputs and computes the step's cache key (K6). The key covers the skill name and
 * version, the params and inputs as written, the digest of every referenced value and any
 * extra content the skill names (e.g. a script file) — never run-specific paths.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical';
import { isArtifactRef, type ArtifactRef, type PlanStep } from '../common/plan';
import { findRefs, hydrate, lookupOutput, type OutputLookup, type StepRef } from '../common/refs';
import type { Skill } from '../skills/api';
import { StepFailure } from './failure';

export interface Resolved {
  params: Record<string, unknown>;
  inputs: Record<string, unknown>;
  cacheKey: string;
  /** Artifacts a job needs in its work directory, at paths relative to it. */
  materialize: Array<{ digest: string; relPath: string }>;
}

export type UpstreamOutputs = ReadonlyMap<string, Record<string, unknown>>;

/** @example digestOf({ a: 1 }) → 'sha256:…' of the canonical JSON */
export function digestOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

export function resolveStep(step: PlanStep, skill: Skill, upstream: UpstreamOutputs, baseDir: string): Resolved {
  const materialize = new Map<string, { digest: string; relPath: string }>();
  const refDigests: Record<string, string> = {};
  // An all_done step runs after its dependencies ended, completed or not: a reference to
  // one that did not complete is null (and its digest says so in the cache key).
  const missingAsNull = step.trigger === 'all_done';
  const lookup = (field: string) => (ref: StepRef): unknown => {
    const outputs = upstream.get(ref.stepId);
    let value: unknown = null;
    if (outputs) {
      const found = lookupOutput(outputs, ref.output);
      if (!found.found) throw missingOutput(step.id, field, ref, outputs, found);
      value = found.value;
    } else if (!missingAsNull) {
      throw new StepFailure('infrastructure', `${field}: step "${ref.stepId}" has no committed outputs`);
    }
    refDigests[`${ref.stepId}.${ref.output}`] = digestOf(value);
    return value;
  };
  const asPath = (ref: ArtifactRef, src: string): string => {
    const relPath = `inputs/${src}/${safeFileName(ref.name)}`;
    materialize.set(relPath, { digest: ref.$artifact, relPath });
    return relPath;
  };
  const forJob = skill.kind === 'job';
  const hydrateField = (value: unknown, field: string): unknown =>
    hydrate(
      value,
      (ref) => {
        const v = lookup(field)(ref);
        return forJob && isArtifactRef(v) ? asPath(v, `${ref.stepId}/${ref.output}`) : v;
      },
      (v) => (isArtifactRef(v) ? v.$artifact : typeof v === 'string' ? v : JSON.stringify(v)),
    );

  const params = hydrateField(step.params, 'params') as Record<string, unknown>;
  const inputs = hydrateField(step.inputs, 'inputs') as Record<string, unknown>;

  let extra: Record<string, string> = {};
  if (skill.cacheInputs) {
    try {
      extra = skill.cacheInputs(step.params, baseDir);
    } catch (err) {
      throw new StepFailure('user_error', `step "${step.id}": ${(err as Error).message}`);
    }
  }
  // Make sure every reference contributed, even ones only present in inputs.
  for (const r of [...findRefs(step.params, '').refs, ...findRefs(step.inputs, '').refs]) {
    if (!(`${r.stepId}.${r.output}` in refDigests)) lookup('params')(r);
  }
  const cacheKey = digestOf({
    v: 1,
    skill: skill.name,
    version: skill.version,
    params: step.params,
    inputs: step.inputs,
    refs: refDigests,
    extra,
  });
  return { params, inputs, cacheKey, materialize: [...materialize.values()] };
}

function missingOutput(
  stepId: string,
  field: string,
  ref: StepRef,
  outputs: Record<string, unknown>,
  miss: Extract<OutputLookup, { found: false }>,
): StepFailure {
  const where = miss.under === '' ? '' : ` ("${miss.missing}" is not in "${miss.under}")`;
  return new StepFailure(
    'user_error',
    `step "${stepId}" ${field}: step "${ref.stepId}" has no output "${ref.output}"${where} (its outputs: ${Object.keys(outputs).join(', ') || 'none'})`,
  );
}

/** Every artifact digest inside a value (outputs hold them at any depth). */
export function artifactDigests(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (isArtifactRef(value)) out.add(value.$artifact);
  else if (Array.isArray(value)) for (const v of value) artifactDigests(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) artifactDigests(v, out);
  return out;
}

/** An artifact's name becomes a file name inside the work dir: never a path that escapes it. */
export function safeFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[^A-Za-z0-9._+-]/g, '_');
  return base === '' || base === '.' || base === '..' ? 'blob' : base;
}
