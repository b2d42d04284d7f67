/** What every dispatcher built from targets.yaml gets besides its own config. */
import type { TargetConfig } from './schema';

export interface DispatcherContext {
  /** `$SGR_HOME`. */
  home: string;
  /** `$SGR_HOME/jobs/<target name>`: local mirror of this target's job directories (logs, events, outputs). */
  jobsRoot: string;
  /** Another target by name (an ssh target's `jump`, a slurm target's `ssh`); throws naming the missing one. */
  lookup(name: string): TargetConfig;
}
