/**
 * Where a job's log files are on this machine: `$SGR_HOME/jobs/<jobId>/` for the local
 * target, `$SGR_HOME/jobs/<target>/<jobId>/` for every other one (docker, ssh and slurm
 * dispatchers mirror their jobs' logs there). A job id holds dots and a target name never
 * does, so the two layouts cannot collide.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSafeJobId } from '../dispatch/local/job-dir';

const isDir = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * The job's directory, or undefined when no target has it (yet).
 * @example await findJobDir('/home/u/.sgr/jobs', 'r1.train.1') // '/home/u/.sgr/jobs/gpu1/r1.train.1'
 */
export async function findJobDir(jobsRoot: string, jobId: string): Promise<string | undefined> {
  if (!isSafeJobId(jobId)) return undefined;
  const local = join(jobsRoot, jobId);
  if (await isDir(local)) return local;
  let names: string[];
  try {
    names = await readdir(jobsRoot);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (name.includes('.')) continue; // a local job's directory, not a target's
    const dir = join(jobsRoot, name, jobId);
    if (await isDir(dir)) return dir;
  }
  return undefined;
}
