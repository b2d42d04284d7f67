/**
 * The kernel's targets: configs from targets.yaml and their dispatchers, created lazily on
 * first use — opening the kernel, listing targets or validating a plan never connects to a
 * remote host. A long-lived process (serve, the app) sees edits of targets.yaml: the file is
 * re-read when its modification time changes; a target whose config changed gets a new
 * dispatcher on its next use (the old one, which running jobs may still hold, is closed with
 * the kernel).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dispatcher, TargetProbe } from '../dispatch/types';
import type { DispatcherContext } from './context';
import { createDispatcher } from './factory';
import { loadTargets, targetsFile, TargetsFileError } from './load';
import { probeLocal } from './probe-local';
import { readProbes, recordProbe, type RecordedProbe } from './probe-state';
import type { TargetConfig } from './schema';

/** What the lifecycle needs to find a step's dispatcher (a Map satisfies it too). */
export interface DispatcherLookup {
  get(name: string): Dispatcher | undefined;
}

type Factory = (name: string, config: TargetConfig, ctx: DispatcherContext) => Dispatcher;

/** A probe may hang on a silent host; the check reports that instead of waiting forever. */
const PROBE_LIMIT_MS = 60_000;

const LOCAL_ONLY: ReadonlyMap<string, TargetConfig> = new Map([['local', { kind: 'local' }]]);

export class TargetRegistry implements DispatcherLookup {
  readonly file: string;
  private configs = new Map<string, TargetConfig>();
  private error: TargetsFileError | null = null;
  private stamp: number | null | undefined = undefined;
  private readonly live = new Map<string, { json: string; dispatcher: Dispatcher }>();
  private readonly retired: Dispatcher[] = [];

  /** @example new TargetRegistry('/tmp/sgr', '/tmp/sgr/jobs') */
  constructor(
    private readonly home: string,
    private readonly jobsRoot: string,
    private readonly factory: Factory = createDispatcher,
  ) {
    this.file = targetsFile(home);
  }

  /** Target names, `local` first. Throws TargetsFileError when targets.yaml has problems. */
  names(): string[] {
    return [...this.current().keys()];
  }

  /** Names usable now, never throwing: only `local` while targets.yaml is broken (see `problem`). */
  usableNames(): string[] {
    return [...this.usable().keys()];
  }

  /** Whether targets.yaml exists (without it, only `local`). */
  exists(): boolean {
    this.refresh();
    return this.stamp !== null;
  }

  /** targets.yaml's problems, or null when it is fine (or absent). */
  problem(): TargetsFileError | null {
    this.refresh();
    return this.error;
  }

  /**
   * The config of a target (resources, maxJobs for the scheduler); undefined when unknown.
   * Never throws: while targets.yaml is broken, only a plain `local` is known.
   */
  config(name: string): TargetConfig | undefined {
    return this.usable().get(name);
  }

  /**
   * The dispatcher of a target, created on first use. Unknown target: undefined. While
   * targets.yaml is broken, `local` keeps working (a typo must not stop local runs) and any
   * other target throws the file's problems (a run must not silently lose its remote target).
   */
  get(name: string): Dispatcher | undefined {
    if (this.problem() && name !== 'local') throw this.error!;
    const config = this.usable().get(name);
    if (!config) return undefined;
    // local's dispatcher does not depend on its config (description, resources): it is never
    // replaced, so no second one ever watches $SGR_HOME/jobs.
    const json = config.kind === 'local' ? 'local' : JSON.stringify(config);
    const have = this.live.get(name);
    if (have && have.json === json) return have.dispatcher;
    if (have) this.retired.push(have.dispatcher);
    const dispatcher = this.factory(name, config, this.context(name));
    this.live.set(name, { json, dispatcher });
    return dispatcher;
  }

  /**
   * Connects to a target and reports what it has; records the result (targets.state.json).
   * Never throws: an unknown target, a broken file or a failing host is `ok: false` with why.
   */
  async check(name: string): Promise<RecordedProbe> {
    const t0 = performance.now();
    let probe: TargetProbe;
    try {
      probe = await this.probe(name);
    } catch (err) {
      probe = { ok: false, latencyMs: 0, details: {}, error: `target "${name}": ${(err as Error).message}` };
    }
    if (probe.latencyMs === 0 && !probe.ok) probe.latencyMs = Math.round(performance.now() - t0);
    const recorded: RecordedProbe = { ...probe, at: Date.now() };
    if (this.usable().has(name)) recordProbe(this.home, name, recorded);
    return recorded;
  }

  /** The last recorded probe of every target. */
  lastProbes(): Record<string, RecordedProbe> {
    return readProbes(this.home);
  }

  async close(): Promise<void> {
    const all = [...this.live.values()].map((l) => l.dispatcher).concat(this.retired.splice(0));
    this.live.clear();
    for (const d of all) await d.close();
  }

  private async probe(name: string): Promise<TargetProbe> {
    const config = this.usable().get(name);
    if (!config) throw new Error(`no such target (known: ${this.usableNames().join(', ')}; declared in ${this.file})`);
    const dispatcher = this.get(name)!;
    if (config.kind === 'local' && !dispatcher.probe) return probeLocal();
    if (!dispatcher.probe) return { ok: false, latencyMs: 0, details: {}, error: `target "${name}": the ${config.kind} dispatcher cannot probe its target` };
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<TargetProbe>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, latencyMs: PROBE_LIMIT_MS, details: {}, error: `target "${name}": no answer within ${PROBE_LIMIT_MS / 1000} s` }), PROBE_LIMIT_MS);
    });
    try {
      return await Promise.race([dispatcher.probe(), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  private context(name: string): DispatcherContext {
    return {
      home: this.home,
      // local keeps $SGR_HOME/jobs itself (existing job directories, `sgr logs`); others get a sub-directory.
      jobsRoot: name === 'local' ? this.jobsRoot : join(this.jobsRoot, name),
      lookup: (other) => {
        const c = this.current().get(other);
        if (!c) throw new Error(`target "${name}" refers to "${other}", which ${this.file} does not declare`);
        return c;
      },
    };
  }

  private usable(): ReadonlyMap<string, TargetConfig> {
    this.refresh();
    return this.error ? LOCAL_ONLY : this.configs;
  }

  private current(): Map<string, TargetConfig> {
    this.refresh();
    if (this.error) throw this.error;
    return this.configs;
  }

  /** Re-reads targets.yaml when it appeared, vanished or changed since the last look. */
  private refresh(): void {
    let stamp: number | null;
    try {
      const st = statSync(this.file);
      stamp = st.mtimeMs + st.size;
    } catch {
      stamp = null;
    }
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    try {
      this.configs = loadTargets(this.home).targets;
      this.error = null;
    } catch (err) {
      if (!(err instanceof TargetsFileError)) throw err;
      this.error = err;
    }
  }
}
