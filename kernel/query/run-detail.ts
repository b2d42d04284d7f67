/** `runs.get` and `artifacts.list`: one run with its steps, from the journal and the plan. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodOutput, StepDetail } from '../common/contract';
import { isArtifactRef, type Plan } from '../common/plan';
import { effectiveDeps } from '../common/validate-plan';
import { isSafeJobId } from '../dispatch/local/job-dir';
import type { Db } from '../store/db';
import { countEventsByStep } from '../store/events-repo';
import { rerunOrigins } from '../replay/rerun-record';
import { decodeJson, type BlobSink } from '../store/json-column';
import { getSteps } from '../store/steps-repo';
import { SUMMARY_COLUMNS, toSummary, type SummaryRow } from './runs-list';

export class NotFoundError extends Error {}

export interface QueryContext {
  db: Db;
  blobs: BlobSink | null;
  /** `$SGR_HOME/jobs`: the local dispatcher's job directories. */
  jobsRoot: string;
}

function summaryRow(db: Db, runId: string): SummaryRow & { plan_json: string } {
  const row = db.prepare(`SELECT ${SUMMARY_COLUMNS}, plan_json FROM runs WHERE id = ?`).get(runId) as (SummaryRow & { plan_json: string }) | undefined;
  if (!row) throw new NotFoundError(`no run with id "${runId}"`);
  return row;
}

/** @example getRunDetail(ctx, '20260101-120000-abcdef').stepsDetail[0].state */
export function getRunDetail(ctx: QueryContext, runId: string): MethodOutput<'runs.get'> {
  const row = summaryRow(ctx.db, runId);
  const plan = JSON.parse(row.plan_json) as Plan & { description?: string };
  const rows = new Map(getSteps(ctx.db, runId).map((s) => [s.step_id, s]));
  const preempted = countEventsByStep(ctx.db, runId, 'step.preempted');
  const stepsDetail: StepDetail[] = plan.steps.map((step) => {
    const s = rows.get(step.id);
    const params = s?.params_json ? decodeJson<Record<string, unknown>>(s.params_json, ctx.blobs) : null;
    return {
      id: step.id,
      skill: step.skill,
      state: s?.state ?? 'PENDING',
      attempt: s?.attempt ?? 0,
      preemptions: preempted.get(step.id) ?? 0,
      cacheHit: s?.cache_hit === 1,
      cacheKey: s?.cache_key ?? null,
      deps: effectiveDeps(step),
      target: step.target ?? 'local',
      startedAt: s?.started_at ?? null,
      endedAt: s?.ended_at ?? null,
      durationMs: s?.started_at != null && s.ended_at != null ? s.ended_at - s.started_at : null,
      failureClass: s?.failure_class ?? null,
      error: s?.error ?? null,
      params: params ?? step.params ?? {},
      inputs: step.inputs ?? {},
      outputs: s?.outputs_json ? decodeJson<Record<string, unknown>>(s.outputs_json, ctx.blobs) : null,
      progress: s?.state === 'RUNNING' && s.job_id ? lastProgress(ctx.jobsRoot, s.job_id) : s?.state === 'COMPLETED' ? 1 : null,
    };
  });
  return {
    ...toSummary(row),
    description: typeof plan.description === 'string' ? plan.description : null,
    concurrency: plan.concurrency ?? 1,
    stepsDetail,
    rerunOf: rerunOrigins(ctx.db, [runId]).get(runId) ?? null,
  };
}

const PROGRESS_TAIL = 64 * 1024;

/** The last `progress` line of a running job's protocol file (its tail only). */
export function lastProgress(jobsRoot: string, jobId: string): number | null {
  if (!isSafeJobId(jobId)) return null;
  const file = join(jobsRoot, jobId, 'events.jsonl');
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = statSync(file).size;
    const len = Math.min(size, PROGRESS_TAIL);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i] as string;
      if (!line.includes('"progress"')) continue;
      try {
        const e = JSON.parse(line) as { type?: string; fraction?: unknown };
        if (e.type === 'progress' && typeof e.fraction === 'number') return e.fraction;
      } catch {
        // A torn first line of the tail window: keep looking.
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Every artifact in the committed outputs of a run's steps, with its output path. */
export function listArtifacts(ctx: QueryContext, runId: string): MethodOutput<'artifacts.list'> {
  summaryRow(ctx.db, runId);
  const out: MethodOutput<'artifacts.list'> = [];
  for (const s of getSteps(ctx.db, runId)) {
    const outputs = decodeJson<Record<string, unknown>>(s.outputs_json, ctx.blobs);
    if (!outputs) continue;
    const walk = (v: unknown, path: string): void => {
      if (isArtifactRef(v)) {
        out.push({ stepId: s.step_id, output: path, digest: v.$artifact, size: typeof v.size === 'number' ? v.size : null, name: v.name ?? path });
      } else if (Array.isArray(v)) {
        v.forEach((x, i) => walk(x, `${path}[${i}]`));
      } else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      }
    };
    walk(outputs, '');
  }
  return out;
}

