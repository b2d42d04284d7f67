/** Builds the dispatcher of one target from its targets.yaml config. */
import { DockerDispatcher } from '../dispatch/docker';
import { LocalDispatcher } from '../dispatch/local';
import { SlurmDispatcher } from '../dispatch/slurm';
import { SshDispatcher } from '../dispatch/ssh';
import type { Dispatcher } from '../dispatch/types';
import type { DispatcherContext } from './context';
import type { TargetConfig } from './schema';

/**
 * Creating a dispatcher never connects anywhere: dispatchers connect on their first call,
 * so opening the kernel (and listing targets) works with every remote host down.
 * @example createDispatcher('gpu1', { kind: 'ssh', host: 'gpu1.lab', user: 'me', port: 22, keepaliveMs: 5000, keepaliveCountMax: 3 }, ctx)
 */
export function createDispatcher(name: string, config: TargetConfig, ctx: DispatcherContext): Dispatcher {
  switch (config.kind) {
    case 'local':
      // The local dispatcher keeps its job directories directly under $SGR_HOME/jobs (logs, resume).
      return new LocalDispatcher({ root: ctx.jobsRoot });
    case 'docker':
      return new DockerDispatcher(name, config, ctx);
    case 'ssh':
      return new SshDispatcher(name, config, ctx);
    case 'slurm':
      return new SlurmDispatcher(name, config, ctx);
  }
}
