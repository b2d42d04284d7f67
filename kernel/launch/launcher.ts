/**
 * `runs.launch`: one run, or one run per trial of a one-parameter sweep, executed in the
 * background of this process (runInBackground) while the call returns at once. Grid and
 * random trials are all created up front; TPE creates `parallelRuns` at a time, each batch
 * suggested from the objectives of the runs before it. Every created run is recorded in
 * launch_runs (for runs.interrupted) and reported with a `launch.progress` event.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { KernelError } from '../api/errors';
import type { Kernel } from '../api/kernel';
import { launchInput, type LaunchSweep } from '../common/contract-launch';
import type { Plan } from '../common/plan';
import type { z } from 'zod';
import { readExperimentFile } from '../editor/files';
import { suggestBatch, type HistoryTrial } from '../hpo/batch';
import type { Value } from '../hpo/space';
import { ExperimentError, parseExperiment } from '../plan/load-experiment';
import { abortIdleRun, addLaunchRun, addRunTags, endLaunch, insertLaunch } from '../store/launches-repo';
import { newOwner } from '../store/lease';
import { getRun } from '../store/runs-repo';
import { backgroundRun, runInBackground } from './background';
import { readObjective } from './objective';
import { emitLaunchProgress } from './progress';
import { sweepSpace, sweepValues, trialPlan } from './sweep';

export type LaunchRequest = z.output<typeof launchInput>;

interface ActiveLaunch {
  id: string;
  runIds: string[];
  /** Each trial run's swept value (TPE learns from value → objective). */
  values: Map<string, Value>;
  stopped: boolean;
}


const bad = (message: string) => new KernelError('BAD_INPUT', message);

function newLaunchId(now: number): string {
  const iso = new Date(now).toISOString().replace(/[-:]/g, '');
  return `L${iso.slice(0, 8)}-${iso.slice(9, 15)}-${randomBytes(3).toString('hex')}`;
}

/** The experiment as the launch form shapes it: parsed, concurrency and target applied, valid. */
function basePlan(kernel: Kernel, req: LaunchRequest): { plan: Plan; file: string; text: string } {
  const text = req.text ?? readExperimentFile(req.path).text;
  const file = resolve(req.path);
  let plan: Plan;
  try {
    plan = parseExperiment(text, file).plan;
  } catch (err) {
    if (err instanceof ExperimentError) throw bad(err.message);
    throw err;
  }
  if (!kernel.targets().includes(req.target)) throw bad(`target: unknown target "${req.target}" (known: ${kernel.targets().join(', ')})`);
  if (req.concurrency !== undefined) plan.concurrency = req.concurrency;
  // Steps left on the default target move to the chosen one; steps pinned elsewhere stay.
  plan.steps = plan.steps.map((s) => (s.target === 'local' ? { ...s, target: req.target } : s));
  const issues = kernel.validate(plan);
  if (issues.length > 0) throw bad(`${file}: ${issues.map((i) => `${i.stepId ? `step "${i.stepId}" ` : ''}${i.field}: ${i.message}`).join('; ')}`);
  return { plan, file, text };
}

function checkObjective(plan: Plan, sweep: LaunchSweep): NonNullable<LaunchSweep['objective']> {
  if (!sweep.objective) throw bad(`sweep: tpe needs an objective { metric: "<step>.<name>", direction }`);
  const stepId = sweep.objective.metric.split('.')[0]!;
  if (!sweep.objective.metric.includes('.') || !plan.steps.some((s) => s.id === stepId)) {
    throw bad(`sweep.objective.metric "${sweep.objective.metric}": expected <step>.<metric> with a step of the plan (steps: ${plan.steps.map((s) => s.id).join(', ')})`);
  }
  return sweep.objective;
}

/**
 * Creates the launch's first runs and starts them in the background; returns at once.
 * @example launch(kernel, launchInput.parse({ path: 'exp.yaml', sweep: { step: 'train', param: 'lr', protocol: 'grid', values: [0.1, 0.01] } }))
 */
export function launch(kernel: Kernel, req: LaunchRequest): { launchId: string; runIds: string[] } {
  const { plan, file, text } = basePlan(kernel, req);
  const sweep = req.sweep;
  const maxRuns = req.budget.maxRuns ?? Infinity;
  // Everything is checked before the first run exists: a bad sweep creates nothing.
  const values = sweep ? sweepValues(sweep, maxRuns) : null;
  const plans = sweep && values ? values.map((v) => trialPlan(kernel, plan, sweep, v)) : [plan];
  if (sweep?.protocol === 'tpe') {
    checkObjective(plan, sweep);
    sweepSpace(sweep);
    trialPlan(kernel, plan, sweep, sweep.range!.low);
  }

  const now = Date.now();
  const launchId = newLaunchId(now);
  const { text: _omit, ...spec } = req;
  void _omit;
  // This process drives the launch; while it lives, the launch's queued runs are not interrupted.
  kernel.journal.writeNow((db) => insertLaunch(db, { id: launchId, experimentFile: file, driver: newOwner(), spec, createdAt: now }));
  const l: ActiveLaunch = { id: launchId, runIds: [], values: new Map(), stopped: false };
  const tags = [...req.tags, ...(sweep ? [`sweep:${launchId}`] : [])];
  const create = (p: Plan, value: Value | undefined): string => {
    const runId = kernel.createRun(p, { experimentFile: file, experimentText: text });
    kernel.journal.writeNow((db) => {
      addRunTags(db, runId, tags);
      addLaunchRun(db, launchId, runId, l.runIds.length, value);
    });
    l.runIds.push(runId);
    if (value !== undefined) l.values.set(runId, value);
    emitLaunchProgress(kernel, { launchId, runIds: [...l.runIds], done: false, error: null });
    return runId;
  };

  let drive: Promise<void>;
  if (sweep?.protocol === 'tpe') {
    const total = Math.min(sweep.trials!, maxRuns);
    const first = Math.min(req.parallelRuns, total);
    const suggest = (history: HistoryTrial[], n: number): Value[] =>
      suggestBatch({ space: sweepSpace(sweep), direction: sweep.objective!.direction, history, n, seed: sweep.seed, sampler: 'tpe' }).map((p) => p[sweep.param]!);
    const next = (history: HistoryTrial[], n: number): string[] => suggest(history, n).map((v) => create(trialPlan(kernel, plan, sweep, v), v));
    drive = driveTpe(kernel, l, sweep.param, sweep.objective!.metric, next([], first), total, req.parallelRuns, next);
  } else {
    const ids = plans.map((p, i) => create(p, values?.[i]));
    drive = runPool(kernel, l, ids, req.parallelRuns);
  }

  const deadline = req.budget.maxMinutes === undefined ? null : setTimeout(() => stop(kernel, l, 'budget: maxMinutes reached'), req.budget.maxMinutes * 60_000);
  deadline?.unref();
  const runIds = [...l.runIds];
  void drive
    .then(() => null, (err: unknown) => (err as Error)?.message ?? String(err))
    .then((error) => {
      if (deadline) clearTimeout(deadline);
      try {
        kernel.journal.writeNow((db) => endLaunch(db, launchId, Date.now(), error));
      } catch {
        // The kernel was closed under the launch; its runs are left for runs.interrupted.
      }
      emitLaunchProgress(kernel, { launchId, runIds: [...l.runIds], done: true, error });
    });
  return { launchId, runIds };
}

/** Stops a launch: its running runs are cancelled (resumable), its queued ones marked ABORTED. */
function stop(kernel: Kernel, l: ActiveLaunch, reason: string): void {
  l.stopped = true;
  for (const id of l.runIds) {
    const bg = backgroundRun(id);
    if (bg) bg.controller.abort();
    else if (isQueued(kernel, id)) kernel.journal.writeNow((db) => abortIdleRun(db, id, Date.now(), `aborted: ${reason}`));
  }
}

const isQueued = (kernel: Kernel, runId: string): boolean => {
  const state = getRun(kernel.db, runId)?.state;
  return state === 'CREATED' || state === 'PLANNED';
};

/** Executes `ids` with at most `parallel` at once; a run cancelled while queued is skipped. */
async function runPool(kernel: Kernel, l: ActiveLaunch, ids: readonly string[], parallel: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      if (l.stopped || !isQueued(kernel, id)) continue;
      await runInBackground(kernel, id).done;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker));
}

/** TPE in batches: run a batch, read each run's objective, suggest the next batch from all so far. */
async function driveTpe(
  kernel: Kernel, l: ActiveLaunch, param: string, metric: string, first: string[], total: number, parallel: number,
  next: (history: HistoryTrial[], n: number) => string[],
): Promise<void> {
  const history: HistoryTrial[] = [];
  for (let batch = first; ; ) {
    await runPool(kernel, l, batch, parallel);
    for (const id of batch) history.push({ params: { [param]: l.values.get(id)! }, value: readObjective(kernel, id, metric) });
    const left = total - l.runIds.length;
    if (l.stopped || left <= 0) return;
    batch = next(history, Math.min(parallel, left));
  }
}
