/** `sgr runs`, `sgr show <runId>`, `sgr plan <experiment.yaml>`: read-only views, all with --json. */
import type { Plan, RunState } from '../../common/plan';
import { RUN_STATES } from '../../common/plan';
import { effectiveDeps } from '../../common/validate-plan';
import { decodeJson } from '../../store/json-column';
import { countEventsByStep } from '../../store/events-repo';
import { listRuns } from '../../store/runs-repo';
import { CliError, EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';
import { formatDuration, formatTime, oneLine, table } from '../format';
import { predictCache } from '../../editor/predict';
import { loadAndValidate } from './run';

export async function runsCommand(opts: GlobalOptions & { json?: boolean; state?: string; name?: string; limit?: number }): Promise<number> {
  if (opts.state && !RUN_STATES.includes(opts.state as RunState)) {
    throw new CliError(`--state must be one of ${RUN_STATES.join(', ')} (got "${opts.state}")`, EXIT.USAGE);
  }
  return withKernel(opts, async (kernel) => {
    const rows = listRuns(kernel.db, { state: opts.state as RunState | undefined, name: opts.name, limit: opts.limit ?? 50 });
    if (opts.json) {
      printJson(rows.map((r) => ({ id: r.id, name: r.name, state: r.state, createdAt: r.created_at, startedAt: r.started_at, endedAt: r.ended_at, error: r.error })));
      return EXIT.OK;
    }
    if (rows.length === 0) {
      process.stdout.write(`no runs yet in ${kernel.paths.home} — start one with: sgr run examples/fanout/experiment.yaml\n`);
      return EXIT.OK;
    }
    process.stdout.write(`${table(
      ['RUN', 'NAME', 'STATE', 'CREATED', 'DURATION'],
      rows.map((r) => [r.id, r.name, r.state, formatTime(r.created_at), formatDuration(r.started_at && r.ended_at ? r.ended_at - r.started_at : null)]),
    )}\n`);
    return EXIT.OK;
  });
}

export async function showCommand(id: string, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const runId = kernel.resolveRunId(id);
    const run = kernel.requireRun(runId);
    const steps = kernel.steps(runId);
    const plan = JSON.parse(run.plan_json) as Plan;
    const order = new Map(plan.steps.map((s, i) => [s.id, i]));
    steps.sort((a, b) => (order.get(a.step_id) ?? 0) - (order.get(b.step_id) ?? 0));
    const preempted = countEventsByStep(kernel.db, runId, 'step.preempted');
    if (opts.json) {
      printJson({
        id: run.id, name: run.name, state: run.state, experimentFile: run.experiment_file, createdAt: run.created_at,
        startedAt: run.started_at, endedAt: run.ended_at, error: run.error,
        steps: steps.map((s) => ({
          id: s.step_id, state: s.state, attempt: s.attempt, preemptions: preempted.get(s.step_id) ?? 0, cacheHit: s.cache_hit === 1, cacheKey: s.cache_key, jobId: s.job_id,
          startedAt: s.started_at, endedAt: s.ended_at, durationMs: s.started_at && s.ended_at ? s.ended_at - s.started_at : null,
          failureClass: s.failure_class, error: s.error, outputs: decodeJson(s.outputs_json, kernel.journal.blobs),
        })),
      });
      return EXIT.OK;
    }
    const lines = [
      `run ${run.id}  ${run.name}  ${run.state}${run.error ? ` — ${run.error}` : ''}`,
      `experiment ${run.experiment_file ?? '-'}  created ${formatTime(run.created_at)}  duration ${formatDuration(run.started_at && run.ended_at ? run.ended_at - run.started_at : null)}`,
      '',
      table(
        ['STEP', 'STATE', 'ATTEMPT', 'CACHE', 'DURATION', 'DETAIL'],
        steps.map((s) => [
          s.step_id, s.state, `${s.attempt}${preempted.has(s.step_id) ? ` (${preempted.get(s.step_id)} preempted)` : ''}`, s.cache_hit ? 'hit' : s.state === 'COMPLETED' ? 'miss' : '-',
          formatDuration(s.started_at && s.ended_at ? s.ended_at - s.started_at : null),
          s.error ? `[${s.failure_class}] ${oneLine(s.error, 70)}` : s.job_id ?? '',
        ]),
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.OK;
  });
}

export async function planCommand(file: string, opts: GlobalOptions & { json?: boolean; cache?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const { plan, trials } = loadAndValidate(kernel, file);
    // --cache: what a run would take from the cache (the editor's prediction, docs/launch.md).
    const cache = opts.cache ? predictCache(kernel.services(), plan) : null;
    const steps = plan.steps.map((s) => ({
      id: s.id, skill: s.skill, deps: effectiveDeps(s), target: s.target, params: s.params, ...(s.trigger && { trigger: s.trigger }),
      ...(cache && { cache: cache.get(s.id) ?? 'unknown' }),
    }));
    if (opts.json) {
      printJson({ name: plan.name, concurrency: plan.concurrency, steps, trials });
      return EXIT.OK;
    }
    process.stdout.write(`${plan.name}: ${steps.length} steps, concurrency ${plan.concurrency}\n`);
    if (cache) {
      const n = (c: string) => steps.filter((s) => s.cache === c).length;
      process.stdout.write(`cache: ${n('hit')} hit, ${n('run')} will run, ${n('unknown')} unknown (depend on a step that will run)\n`);
    }
    // Dependencies in full (they are the DAG); params shortened (--json has them whole).
    const rows = steps.map((s) => [s.id, s.skill, ...(s.cache ? [s.cache] : []), oneLine(JSON.stringify(s.params), 60), `${s.deps.join(', ') || '-'}${s.trigger ? ' (when all done)' : ''}`]);
    process.stdout.write(`${table(['STEP', 'SKILL', ...(cache ? ['CACHE'] : []), 'PARAMS', 'DEPENDS ON'], rows)}\n`);
    for (const sweep of [...new Set(trials.map((t) => t.sweep))]) {
      const mine = trials.filter((t) => t.sweep === sweep);
      const configs = new Set(mine.map((t) => t.config)).size;
      process.stdout.write(`\nsweep ${sweep}: ${mine.length} trials (${configs} configuration${configs === 1 ? '' : 's'})\n`);
      process.stdout.write(`${table(['CONFIG', 'SEED', 'PARAMS'], mine.map((t) => [t.config, t.seed === null ? '-' : String(t.seed), oneLine(JSON.stringify(t.params), 90)]))}\n`);
    }
    return EXIT.OK;
  });
}
