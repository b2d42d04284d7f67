/**
 * The execute phase of a job skill: intent record (durable) → materialize inputs → submit
 * → wait → collect → ingest files into the CAS. The result returned here is what the
 * journal records for replay; everything after it is derived.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactRef, PlanStep } from '../common/plan';
import type { JobResult, JobSpec, ProtocolEvent } from '../dispatch/types';
import type { JobBuild } from '../skills/api';
import { recordIntent } from '../store/effects-repo';
import { checkLease } from '../store/lease';
import { updateStep } from '../store/steps-repo';
import { appendEvent } from '../store/events-repo';
import type { KernelServices, RunContext } from './context';
import type { LiveMetrics } from './live-metrics';
import type { Resolved } from './resolve';
import type { AttemptHooks } from './step-attempt';

/**
 * The recorded outcome of one job attempt: the dispatcher's result with its files already
 * in the CAS (artifact references instead of local paths), or `lost`.
 */
export interface RecordedJob extends Omit<JobResult, 'files' | 'durationMs'> {
  lost: boolean;
  artifacts: Record<string, ArtifactRef>;
}

export const jobIdFor = (runId: string, stepId: string, attempt: number): string => `${runId}.${stepId}.${attempt}`;

export function workDirFor(k: KernelServices, runId: string, stepId: string, attempt: number): string {
  return join(k.workRoot, runId, stepId, `a${attempt}`);
}

/**
 * Where a step keeps its checkpoints: stable across attempts and resumes, so attempt N+1
 * (after a preemption, a crash or `sgr resume`) finds attempt N's files.
 * @example checkpointDirFor(k, 'r1', 'train') // '$SGR_HOME/checkpoints/r1/train'
 */
export function checkpointDirFor(k: KernelServices, runId: string, stepId: string): string {
  return join(k.checkpointRoot, runId, stepId);
}

export async function executeJob(
  k: KernelServices,
  run: RunContext,
  step: PlanStep,
  attempt: number,
  build: JobBuild,
  resolved: Resolved,
  slots: AttemptHooks = {},
  live?: LiveMetrics,
): Promise<RecordedJob> {
  const dispatcher = k.dispatchers.get(step.target);
  if (!dispatcher) throw new Error(`no dispatcher for target "${step.target}"`);
  const jobId = jobIdFor(run.runId, step.id, attempt);
  const cwd = workDirFor(k, run.runId, step.id, attempt);
  const checkpointDir = checkpointDirFor(k, run.runId, step.id);
  const spec: JobSpec = {
    jobId,
    runId: run.runId,
    stepId: step.id,
    attempt,
    argv: build.argv,
    // Set last: a skill's env cannot point the job at another step's checkpoints.
    env: { ...(build.env ?? {}), ...inputEnv(resolved.inputs), SGR_CHECKPOINT_DIR: checkpointDir },
    cwd,
    timeoutMs: step.timeoutMs,
    outputs: build.outputs ?? {},
    checkpointDir,
    capabilities: step.capabilities,
  };
  // The step's own request wins over the skill's, field by field.
  const resources = { ...build.resources, ...step.resources };
  if (Object.keys(resources).length > 0) spec.resources = resources;
  const image = step.image ?? build.image;
  if (image !== undefined) spec.image = image;
  if (build.stage && build.stage.length > 0) spec.stage = build.stage;

  // Intent first, durably: after a crash the resumer knows this job may exist.
  const lease = run.lease;
  await k.journal.write((db) => {
    const now = k.now();
    if (lease) checkLease(db, lease, now);
    recordIntent(db, { runId: run.runId, stepId: step.id, attempt, effectId: 'job' }, 'job.start', { jobId, target: step.target, argv: spec.argv }, now);
    updateStep(db, run.runId, step.id, { state: 'RUNNING', attempt, job_id: jobId, started_at: now });
    appendEvent(db, run.runId, step.id, attempt, 'execute.intent', now, { jobId, target: step.target });
  });
  for (const m of resolved.materialize) await k.cas.materialize(m.digest, join(cwd, m.relPath));
  await mkdir(checkpointDir, { recursive: true });
  // The scheduler counts what the job asks for, the skill's own request included (e.g. train's threads).
  const { pids: _pids, ...slotResources } = spec.resources ?? {};
  await slots.acquireSlot?.(spec.resources ? slotResources : undefined);
  k.bus.emit('step.stateChanged', { runId: run.runId, stepId: step.id, state: 'RUNNING', attempt, cacheHit: false });

  const emitLog = (stream: 'stdout' | 'stderr', text: string): void =>
    k.bus.emit('step.logAppended', { runId: run.runId, stepId: step.id, attempt, stream, text });
  const listener = {
    onLog: emitLog,
    onEvent: (e: ProtocolEvent) => {
      if (e.type === 'metric') {
        live?.add(e);
        k.bus.emit('step.metricReported', { runId: run.runId, stepId: step.id, name: e.name, value: e.value, step: e.step ?? null });
      }
    },
    onWarning: (message: string) => k.bus.emit('step.warned', { runId: run.runId, stepId: step.id, message }),
  };
  const onAbort = (): void => void dispatcher.cancel(jobId, 'cancel').catch(() => undefined);
  run.signal.addEventListener('abort', onAbort);
  live?.open(slots.reentering === true);
  try {
    const submitted = await dispatcher.submit(spec, listener);
    // An abort that came before the job existed (between the intent and here) had nothing to cancel yet.
    if (run.signal.aborted) onAbort();
    if (submitted.phase === 'lost') return lostJob(jobId);
    const final = await dispatcher.wait(jobId, listener);
    slots.releaseSlot?.();
    if (final.phase === 'lost') return lostJob(jobId);
    const result = await dispatcher.collect(jobId);
    const artifacts: Record<string, ArtifactRef> = {};
    for (const [name, path] of Object.entries(result.files)) {
      const put = await k.cas.putFile(path);
      artifacts[name] = { $artifact: put.digest, size: put.size, name: path.split('/').pop() ?? name };
    }
    const { files: _files, durationMs: _duration, ...rest } = result;
    return { ...rest, jobId, lost: false, artifacts };
  } finally {
    live?.close();
    run.signal.removeEventListener('abort', onAbort);
  }
}

function lostJob(jobId: string): RecordedJob {
  return { jobId, lost: true, exitCode: null, signal: null, killedBy: null, artifacts: {}, missing: [], events: [], warnings: [], stderrTail: '' };
}

/** Named inputs reach a job as `SGR_INPUT_<NAME>` (paths for artifacts, text or JSON otherwise). */
function inputEnv(inputs: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, v] of Object.entries(inputs)) {
    env[`SGR_INPUT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return env;
}
