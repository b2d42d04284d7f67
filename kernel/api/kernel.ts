/**
 * The kernel facade: the one object the CLI, the serve mode and the Electron main process
 * use. It owns the journal, the CAS, the skill registry and the dispatchers of one
 * `$SGR_HOME`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Cas } from '../cas';
import type { Plan, PlanIssue, RunState } from '../common/plan';
import { validatePlan } from '../common/validate-plan';
import { KernelBus } from '../lifecycle/bus';
import type { KernelServices } from '../lifecycle/context';
import { digestOf } from '../lifecycle/resolve';
import { executeRun } from '../lifecycle/run-executor';
import { freezeAtStart } from '../manifest/freeze';
import { Recorder } from '../replay/effects';
import { replayRun, type ReplayReport } from '../replay/replay';
import { rerunOrigins } from '../replay/rerun-record';
import { capacityOf } from '../sched/capacity';
import { Scheduler } from '../sched/scheduler';
import type { Skill } from '../skills/api';
import { SkillRegistry } from '../skills/registry';
import type { TargetConfig } from '../targets/schema';
import { TargetRegistry } from '../targets/registry';
import { referencedDigests } from '../store/cache-repo';
import { openDb, type Db } from '../store/db';
import { appendEvent } from '../store/events-repo';
import { Journal } from '../store/journal';
import { cancelRequested, clearCancelRequest } from '../store/launches-repo';
import { acquireLease, newOwner, releaseLease, renewLease } from '../store/lease';
import { findRunId, getRun, insertRun, setRunState, type RunRow } from '../store/runs-repo';
import { getSteps, insertPendingSteps, type StepRow } from '../store/steps-repo';
import { KernelError, PlanInvalidError } from './errors';
import { layout, type HomeLayout } from './paths';

export interface KernelOptions {
  home: string;
  skills: readonly Skill[];
}

export interface CreateRunOptions {
  experimentFile?: string | null;
  experimentText?: string | null;
  /** The experiment file's digest when there is no text to hash (a re-run keeps its original's). */
  experimentDigest?: string | null;
}

const LEASE_RENEW_MS = 5_000;
/** How often an executing run looks for a cancel request from another process (the app). */
const CANCEL_POLL_MS = 300;

export class Kernel {
  readonly bus = new KernelBus();
  readonly paths: HomeLayout;
  readonly db: Db;
  readonly cas: Cas;
  readonly journal: Journal;
  readonly skills: SkillRegistry;
  /** The D6 scheduler: this process's view of the queue every process on this home shares. */
  readonly scheduler: Scheduler;
  /** Targets from `$SGR_HOME/targets.yaml` and their dispatchers, created on first use (`dispatchers.get(name)`). */
  readonly dispatchers: TargetRegistry;

  /** @example const kernel = Kernel.open({ home: defaultHome(), skills: builtinSkills }) */
  static open(opts: KernelOptions): Kernel {
    return new Kernel(opts);
  }

  private constructor(opts: KernelOptions) {
    this.paths = layout(opts.home);
    this.db = openDb(this.paths.journal);
    this.cas = new Cas(this.paths.cas);
    this.journal = new Journal(this.db, this.cas);
    this.skills = new SkillRegistry(opts.skills);
    this.dispatchers = new TargetRegistry(this.paths.home, this.paths.jobs);
    this.scheduler = new Scheduler({
      db: this.db, dispatchers: this.dispatchers,
      capacity: (t) => capacityOf(t, this.targetResources(t)),
      onWarn: (runId, stepId, message) => this.bus.emit('step.warned', { runId, stepId, message }),
    });
  }

  services(): KernelServices {
    return {
      journal: this.journal, cas: this.cas, skills: this.skills, dispatchers: this.dispatchers, bus: this.bus,
      targetConfig: (name) => this.targetConfig(name),
      workRoot: this.paths.work, checkpointRoot: join(this.paths.home, 'checkpoints'), now: Date.now,
      scheduler: this.scheduler,
    };
  }

  /**
   * Target names, `local` first; throws (BAD_INPUT, naming file, line and field) when targets.yaml has problems.
   * @example kernel.targets() // ['local', 'gpu1']
   */
  targets(): string[] {
    return this.dispatchers.names();
  }

  /**
   * A target's config from targets.yaml (the scheduler reads resources and maxJobs from it); undefined when unknown.
   * @example kernel.targetConfig('local') // { kind: 'local' }
   */
  targetConfig(name: string): TargetConfig | undefined {
    return this.dispatchers.config(name);
  }

  /** A target's declared resources for the scheduler; a broken targets.yaml counts as undeclared (validate() reports it). */
  private targetResources(name: string): TargetConfig['resources'] {
    try {
      return this.targetConfig(name)?.resources;
    } catch {
      return undefined;
    }
  }

  validate(plan: Plan): PlanIssue[] {
    // A broken targets.yaml leaves only `local` usable; a step on another target then says why.
    const problem = this.dispatchers.problem();
    const targetsHint = problem ? `${this.dispatchers.file} has problems: ${problem.message.split('\n').join('; ')}` : `targets are declared in ${this.dispatchers.file}`;
    return validatePlan(plan, { skills: this.skills, targets: this.dispatchers.usableNames(), targetsHint });
  }

  /** Validates and records a new run (CREATED → PLANNED). Returns its id. */
  createRun(plan: Plan, opts: CreateRunOptions = {}): string {
    const issues = this.validate(plan);
    if (issues.length > 0) throw new PlanInvalidError(issues);
    const now = Date.now();
    const id = newRunId(now);
    this.journal.writeNow((db) => {
      insertRun(db, {
        id, name: plan.name, experimentFile: opts.experimentFile ?? null,
        experimentDigest: opts.experimentText ? digestOf(opts.experimentText) : (opts.experimentDigest ?? null),
        planJson: JSON.stringify(plan), planDigest: digestOf(plan), createdAt: now,
      });
      appendEvent(db, id, null, null, 'run.created', now, null);
      insertPendingSteps(db, id, plan.steps.map((s) => s.id));
      setRunState(db, id, 'PLANNED', now);
      appendEvent(db, id, null, null, 'run.planned', now, { steps: plan.steps.length });
    });
    return id;
  }

  /** Executes (or resumes) a run under its lease; a second process gets LeaseHeldError. */
  /** `reuseCache: false` executes every step even when its result is cached (a re-run's default). */
  async execute(runId: string, opts: { signal?: AbortSignal; reuseCache?: boolean } = {}): Promise<RunState> {
    const run = this.requireRun(runId);
    if (run.state === 'COMPLETED') throw new KernelError('BAD_STATE', `run ${runId} is already COMPLETED; nothing to resume`);
    const lease = acquireLease(this.db, runId, newOwner(), Date.now());
    // A cancel requested before this execution began was meant for an earlier one.
    this.journal.writeNow((db) => clearCancelRequest(db, runId));
    const timer = setInterval(() => {
      this.journal.write((db) => renewLease(db, lease, Date.now())).catch(() => undefined);
    }, LEASE_RENEW_MS);
    // runs.cancel from the app reaches a run this process executes through the journal
    // (docs/launch.md): the run then ends ABORTED, resumable, as after Ctrl-C.
    const cancel = new AbortController();
    const abort = (): void => cancel.abort();
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    const poll = setInterval(() => {
      if (cancelRequested(this.db, runId)) {
        clearInterval(poll);
        abort();
      }
    }, CANCEL_POLL_MS);
    const plan = JSON.parse(run.plan_json) as Plan;
    // Code and environment as they are now, probed beside the run (never fails it).
    const frozen = freezeAtStart(this.paths.home, run, plan);
    try {
      return await executeRun(this.services(), {
        runId, plan, lease, effects: new Recorder(), settle: frozen,
        reuseCache: opts.reuseCache ?? !rerunOrigins(this.db, [runId]).has(runId),
        startedAt: run.started_at ?? Date.now(), signal: cancel.signal,
      });
    } finally {
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', abort);
      await frozen;
      clearInterval(timer);
      try {
        this.journal.writeNow((db) => {
          if (cancel.signal.aborted) clearCancelRequest(db, runId);
          releaseLease(db, lease);
        });
      } catch {
        // The lease expires on its own; nothing else to do.
      }
    }
  }

  replay(runId: string): Promise<ReplayReport> {
    return replayRun(this.services(), this.requireRun(runId));
  }

  /** Accepts a full id or a unique prefix. */
  resolveRunId(idOrPrefix: string): string {
    const id = findRunId(this.db, idOrPrefix);
    if (id === 'ambiguous') throw new KernelError('AMBIGUOUS', `run id prefix "${idOrPrefix}" matches several runs; give more characters`);
    if (!id) throw new KernelError('NOT_FOUND', `no run with id "${idOrPrefix}" in ${this.paths.journal}`);
    return id;
  }

  requireRun(runId: string): RunRow {
    const run = getRun(this.db, runId);
    if (!run) throw new KernelError('NOT_FOUND', `no run with id "${runId}" in ${this.paths.journal}`);
    return run;
  }

  steps(runId: string): StepRow[] {
    return getSteps(this.db, runId);
  }

  async casGc(opts: { graceMs?: number; dryRun?: boolean } = {}) {
    return this.cas.gc(referencedDigests(this.db), opts);
  }

  async close(): Promise<void> {
    this.scheduler.close();
    await this.dispatchers.close();
    this.db.close();
  }
}

/** Sortable by creation time, unique by randomness: `20261122-051204-3f9a1c`. */
function newRunId(now: number): string {
  const iso = new Date(now).toISOString().replace(/[-:]/g, '');
  return `${iso.slice(0, 8)}-${iso.slice(9, 15)}-${randomBytes(3).toString('hex')}`;
}
