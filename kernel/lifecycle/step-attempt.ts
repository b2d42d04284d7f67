/**
 * One attempt of one step through the lifecycle phases (K2):
 * resolve → validate → authorize → execute → verify. The commit and checkpoint phases
 * are in commit.ts. Every phase is recorded as an event; a failure names its phase.
 */
import type { FailureClass, Phase, PlanStep, Resources } from '../common/plan';
import { effectiveDeps } from '../common/validate-plan';
import { attemptScope } from '../replay/effects';
import type { Skill } from '../skills/api';
import { getCached } from '../store/cache-repo';
import { decodeJson } from '../store/json-column';
import type { MetricPoint } from '../store/metrics-repo';
import type { KernelServices, RunContext } from './context';
import { StepFailure } from './failure';
import { checkParams, redact } from './guardian';
import { executeJob, type RecordedJob } from './job-exec';
import { LiveMetrics } from './live-metrics';
import { artifactDigests, resolveStep, type Resolved, type UpstreamOutputs } from './resolve';
import { runInProcess } from './inproc-exec';

export interface PhaseEvent {
  kind: string;
  ts: number;
  data: unknown;
}

export interface AttemptOutcome {
  ok: boolean;
  attempt: number;
  outputs: Record<string, unknown> | null;
  params: Record<string, unknown> | null;
  cacheKey: string | null;
  cacheHit: boolean;
  failureClass: FailureClass | null;
  error: string | null;
  jobId: string | null;
  /** Every metric point of the attempt, in events-file order. */
  metrics: MetricPoint[];
  /**
   * How many of `metrics` (a prefix) were journaled while the job ran; read when the
   * attempt commits, which inserts only the rest. Absent: none were (replay, in-process skills).
   */
  metricsJournaled?: () => number;
  events: PhaseEvent[];
  startedAt: number;
  /** True when a replay ran out of recordings here: the original run never finished this attempt. */
  unfinished?: boolean;
}

/**
 * Execution slots: a job (or an in-process skill) holds one only while it executes.
 * Resolving, the intent record, collection, CAS ingest and commit are kernel work done
 * outside the slot, so they overlap with other steps' jobs.
 */
export interface AttemptHooks {
  /**
   * The attempt was interrupted by a crash and is being re-entered: its job may still be
   * running, so it must be re-attached, never replaced by a cache hit that appeared since.
   */
  reentering?: boolean;
  /** `resources`: what the job really asks for (the skill's request merged with the step's); absent for in-process work. */
  acquireSlot?(resources?: Resources): Promise<void>;
  /** Idempotent: the executor also calls it when the attempt ends. */
  releaseSlot?(): void;
}

/** @example const outcome = await runAttempt(k, run, step, 1, upstreamOutputs) */
export async function runAttempt(
  k: KernelServices,
  run: RunContext,
  step: PlanStep,
  attempt: number,
  upstream: UpstreamOutputs,
  hooks: AttemptHooks = {},
): Promise<AttemptOutcome> {
  const startedAt = k.now();
  const events: PhaseEvent[] = [];
  const out: AttemptOutcome = {
    ok: false, attempt, outputs: null, params: null, cacheKey: null, cacheHit: false,
    failureClass: null, error: null, jobId: null, metrics: [], events, startedAt,
  };
  let phase: Phase = 'resolve';
  const enter = (p: Phase, data: unknown = null): void => {
    phase = p;
    events.push({ kind: `phase.${p}`, ts: k.now(), data });
    k.bus.emit('step.phaseEntered', { runId: run.runId, stepId: step.id, attempt, phase: p });
  };
  const scope = attemptScope(step.id, attempt);
  try {
    enter('resolve');
    const skill = k.skills.get(step.skill);
    if (!skill) throw new StepFailure('user_error', `unknown skill "${step.skill}"`);
    const visible = step.trigger === 'all_done' ? await completedDeps(run, scope, step, upstream) : upstream;
    const resolved = resolveStep(step, skill, visible, run.plan.baseDir);
    out.cacheKey = resolved.cacheKey;
    out.params = resolved.params;

    enter('validate');
    const parsed = skill.params.safeParse(resolved.params);
    if (!parsed.success) {
      const first = parsed.error.issues.map((i) => `params.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new StepFailure('user_error', `step "${step.id}" (skill ${skill.name}) has bad params — ${first}`);
    }
    checkParams(step.id, resolved.params);

    enter('authorize');
    // The clock is nondeterministic: read it through the recorder so replay decides alike.
    const now = run.plan.budget.wallTimeSec === undefined ? 0 : await run.effects.call(scope, 'clock', null, async () => k.now());
    authorize(step, skill, run, now, k.dispatchers.get(step.target)?.kind);

    enter('execute', { cacheKey: resolved.cacheKey });
    const cached = step.cache
      ? await run.effects.call(scope, 'cache', resolved.cacheKey, async () => (hooks.reentering || run.reuseCache === false ? null : lookupCache(k, resolved.cacheKey)))
      : null;
    let outputs: Record<string, unknown>;
    if (cached) {
      out.cacheHit = true;
      outputs = cached;
    } else if (skill.kind === 'job') {
      outputs = await executeJobSkill(k, run, step, attempt, skill, resolved, parsed.data as Record<string, unknown>, out, hooks);
    } else {
      outputs = await run.effects.call(scope, 'skill', resolved.cacheKey, async () => {
        await hooks.acquireSlot?.();
        try {
          return await runInProcess(k, run, step, attempt, skill, resolved, parsed.data as Record<string, unknown>);
        } finally {
          hooks.releaseSlot?.();
        }
      }, { reexecute: skill.deterministic === true });
    }

    enter('verify');
    const checked = skill.outputs.safeParse(outputs);
    if (!checked.success) {
      const first = checked.error.issues.map((i) => `outputs.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new StepFailure('user_error', `step "${step.id}" produced outputs that do not match skill ${skill.name}'s schema — ${first}`);
    }
    for (const d of artifactDigests(outputs)) {
      if (run.effects.mode === 'live' && !k.cas.has(d)) throw new StepFailure('infrastructure', `output artifact ${d} is not in the store`);
    }
    out.outputs = outputs;
    out.ok = true;
  } catch (err) {
    if (err instanceof StepFailure) {
      out.failureClass = err.failureClass;
      out.error = err.message;
      events.push({ kind: 'phase.failed', ts: k.now(), data: { phase, failureClass: err.failureClass, error: err.message } });
    } else {
      throw err;
    }
  }
  return out;
}

/**
 * The dependencies of an all_done step that had completed when it started. Which ones did
 * depends on timing (and on resumes that retried a failed one later), so it is recorded:
 * replay hydrates the same references to `null` as the live run did.
 */
async function completedDeps(run: RunContext, scope: string, step: PlanStep, upstream: UpstreamOutputs): Promise<UpstreamOutputs> {
  const deps = effectiveDeps(step);
  const seen = await run.effects.call(scope, 'upstream', null, async () => deps.filter((d) => upstream.has(d)));
  const visible = new Map<string, Record<string, unknown>>();
  for (const d of seen) {
    const outputs = upstream.get(d);
    if (outputs) visible.set(d, outputs);
  }
  return visible;
}

function authorize(step: PlanStep, skill: Skill, run: RunContext, now: number, targetKind: string | undefined): void {
  if (skill.targetKinds && !skill.targetKinds.includes(targetKind ?? '')) {
    throw new StepFailure(
      'policy',
      `step "${step.id}": skill ${skill.name} runs only on a ${skill.targetKinds.join(' or ')} target, but target "${step.target}" is ${targetKind === undefined ? 'not configured' : `of kind ${targetKind}`} — set the step's target: to a ${skill.targetKinds.join('/')} target`,
    );
  }
  const forbidden = (skill.forbiddenCapabilities ?? []).filter((c) => step.capabilities.includes(c));
  if (forbidden.length > 0) {
    throw new StepFailure('policy', `step "${step.id}": skill ${skill.name} refuses capability ${forbidden.map((c) => `"${c}"`).join(', ')} — remove it from the step's capabilities`);
  }
  const missing = skill.capabilities.filter((c) => !step.capabilities.includes(c));
  if (missing.length > 0) {
    throw new StepFailure(
      'policy',
      `step "${step.id}": skill ${skill.name} needs capability ${missing.map((c) => `"${c}"`).join(', ')} which the step does not grant — add it to the step's capabilities: [${[...step.capabilities, ...missing].join(', ')}]`,
    );
  }
  const wall = run.plan.budget.wallTimeSec;
  if (wall !== undefined && (now - run.startedAt) / 1000 > wall) {
    throw new StepFailure('budget', `step "${step.id}" not started: the run's wall-time budget of ${wall} s is spent`);
  }
}

/** The committed outputs under cache key `key`, or null (also when one of their blobs is gone). Shared with the editor's cache prediction. */
export function lookupCache(k: Pick<KernelServices, 'journal' | 'cas'>, key: string): Record<string, unknown> | null {
  const row = getCached(k.journal.db, key);
  if (!row) return null;
  const outputs = decodeJson<Record<string, unknown>>(row.outputs_json, k.journal.blobs);
  // A cache entry is only as good as its blobs: a GC'd or missing artifact means re-run.
  for (const d of artifactDigests(outputs)) if (!k.cas.has(d)) return null;
  return outputs;
}

async function executeJobSkill(
  k: KernelServices,
  run: RunContext,
  step: PlanStep,
  attempt: number,
  skill: Extract<Skill, { kind: 'job' }>,
  resolved: Resolved,
  params: Record<string, unknown>,
  out: AttemptOutcome,
  hooks: AttemptHooks,
): Promise<Record<string, unknown>> {
  let build: ReturnType<typeof skill.buildJob>;
  try {
    build = skill.buildJob(params, { runId: run.runId, stepId: step.id, attempt, baseDir: run.plan.baseDir, inputs: resolved.inputs });
  } catch (err) {
    throw new StepFailure('user_error', `step "${step.id}" (skill ${skill.name}) cannot build its job: ${(err as Error).message}`);
  }
  const live = new LiveMetrics(k, run, step.id, attempt);
  out.metricsJournaled = () => live.written;
  const job = await run.effects.call<RecordedJob>(attemptScope(step.id, attempt), 'job', resolved.cacheKey, () =>
    executeJob(k, run, step, attempt, build, resolved, hooks, live),
  );
  out.jobId = job.jobId;
  out.metrics = job.events.flatMap((e) =>
    e.type === 'metric' ? [{ name: e.name, value: e.value, step: e.step ?? null, ts: e.ts ?? out.startedAt }] : [],
  );
  classifyJob(step.id, job);
  return skill.collect({ exitCode: job.exitCode, artifacts: job.artifacts, events: job.events });
}

/** The exit code of a job that saved a checkpoint and stopped on request (EX_TEMPFAIL). */
export const EXIT_PREEMPTED = 75;

/** Failure classes of a finished job (K9). */
function classifyJob(stepId: string, job: RecordedJob): void {
  if (job.lost) throw new StepFailure('lost', `step "${stepId}": job ${job.jobId} was lost (its process vanished without an exit status)`);
  if (job.killedBy === 'timeout') throw new StepFailure('timeout', `step "${stepId}": job ${job.jobId} exceeded its timeout and was killed`);
  if (job.killedBy === 'cancel') throw new StepFailure('infrastructure', `step "${stepId}": job ${job.jobId} was cancelled`);
  // Error messages land in the journal and on screens: never with a secret in them.
  const tail = redact(job.stderrTail.trim().split('\n').slice(-5).join('\n'));
  // EX_TEMPFAIL: the job checkpointed and stopped when asked (the worker SDK does this on
  // SIGTERM/SIGUSR1); the executor requeues it, and the next attempt resumes.
  if (job.oomKilled === true) {
    throw new StepFailure('oom', `step "${stepId}": job ${job.jobId} ran out of memory (the target reports it OOM-killed)${tail ? `\n${tail}` : ''}`);
  }
  if (job.exitCode === EXIT_PREEMPTED) {
    throw new StepFailure('preempted', `step "${stepId}": job ${job.jobId} was preempted (exit ${EXIT_PREEMPTED} after checkpointing)`);
  }
  if (job.exitCode === 137 || job.signal === 'SIGKILL') {
    throw new StepFailure('oom', `step "${stepId}": job ${job.jobId} was killed (exit 137, likely out of memory)${tail ? `\n${tail}` : ''}`);
  }
  if (job.exitCode !== 0) {
    throw new StepFailure('user_error', `step "${stepId}": command exited with code ${job.exitCode ?? 'none'}${tail ? `; stderr:\n${tail}` : ''}`);
  }
  if (job.missing.length > 0) {
    throw new StepFailure('user_error', `step "${stepId}": declared output ${job.missing.map((m) => `"${m}"`).join(', ')} was not produced`);
  }
}

