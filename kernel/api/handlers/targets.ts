/** Handlers of targets (U8): the targets, "Test connection", and the live process table. */
import { targetInfos } from '../../targets/describe';
import { runningJobs } from '../../targets/process-table';
import { KernelError } from '../errors';
import type { HandlerMap } from './types';

type TargetsMethods = 'targets.list' | 'targets.file' | 'targets.check' | 'jobs.list';

export const targetsHandlers: HandlerMap<TargetsMethods> = {
  'targets.list': (k) => targetInfos(k.dispatchers),
  'targets.file': (k) => {
    const problem = k.dispatchers.problem();
    return { file: k.dispatchers.file, exists: k.dispatchers.exists(), problems: problem ? problem.message : null };
  },
  'targets.check': async (k, input: { name: string }) => {
    const known = k.dispatchers.usableNames();
    if (!known.includes(input.name)) throw new KernelError('NOT_FOUND', `no target named "${input.name}" (known: ${known.join(', ')}; declared in ${k.dispatchers.file})`);
    return k.dispatchers.check(input.name);
  },
  'jobs.list': (k) => runningJobs(k.db, Date.now()),
};
