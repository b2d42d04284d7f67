/**
 * The Slurm commands, run through the RemoteShell (ssh to the login node, or this machine).
 * Every command here is safe to repeat: a connection lost mid-command is answered by
 * asking again, never by guessing.
 */
import { shellQuote as q } from '../local/job-dir';
import type { RemoteShell } from '../remote/shell';
import { slurmJobName } from './batch-script';
import { parseSacct, parseScontrol, type SlurmState } from './states';

async function run(shell: RemoteShell, what: string, command: string, stdin?: string): Promise<string> {
  const r = await shell.exec(command, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`${shell.describe}: ${what} failed (exit ${r.code ?? r.signal}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
  return r.stdout;
}

/** Writes a file on the cluster (parents created) from a string. */
export async function writeRemote(shell: RemoteShell, path: string, text: string, mode = '644'): Promise<void> {
  await run(shell, `writing ${path}`, `mkdir -p "$(dirname ${q(path)})" && cat >${q(path)}.tmp && chmod ${mode} ${q(path)}.tmp && mv -f ${q(path)}.tmp ${q(path)}`, text);
}

/** The Slurm job id recorded in the job directory, if the job was submitted. */
export async function recordedSlurmId(shell: RemoteShell, dir: string): Promise<string | undefined> {
  const out = await run(shell, `reading ${dir}/slurm_id`, `cat ${q(`${dir}/slurm_id`)} 2>/dev/null || true`);
  const id = out.trim();
  return /^\d+(_\d+)?$/.test(id) ? id : undefined;
}

/**
 * Submits the batch script unless the job already exists. Under flock on the job directory:
 * the recorded id, the id the batch script recorded when it started, squeue and sacct by job
 * name, then sbatch — a kernel killed between sbatch and recording the id finds the job
 * instead of submitting a second one.
 * @example await submitOnce(shell, '/scratch/sgr/r.s.1', 'r.s.1') // { slurmId: '42', created: true }
 */
export async function submitOnce(shell: RemoteShell, dir: string, jobId: string): Promise<{ slurmId: string; created: boolean }> {
  const name = q(slurmJobName(jobId));
  const script = [
    'set -e',
    `cd ${q(dir)}`,
    'exec 9>>submit.lock',
    'flock 9',
    'id=$(cat slurm_id 2>/dev/null || true)',
    // The batch script records its Slurm id when it starts (`runs`).
    '[ -n "$id" ] || id=$(tail -n 1 runs 2>/dev/null | cut -d " " -f 1)',
    // Own jobs only (another user's job of the same name is not ours). `-t all`: the
    // controller still lists a job that ended recently (MinJobAge), when slurmdbd may not
    // have its full record yet; sacct covers older ones (30 days back, window open ahead).
    `[ -n "$id" ] || id=$(squeue -h -a -t all -u "$(id -un)" -o %i --name=${name} 2>/dev/null | head -n 1)`,
    `[ -n "$id" ] || id=$(sacct -X -n -P -S now-30days -E now+1days -u "$(id -un)" -o JobID --name=${name} 2>/dev/null | head -n 1)`,
    'new=0',
    'if [ -z "$id" ]; then id=$(sbatch --parsable job.sbatch); id=${id%%;*}; new=1; fi',
    'printf "%s\\n" "$id" >slurm_id.tmp && mv -f slurm_id.tmp slurm_id',
    'printf "%s %s\\n" "$id" "$new"',
  ].join('\n');
  const out = await run(shell, `sbatch for job ${jobId}`, `/bin/sh -c ${q(script)}`);
  const m = out.trim().match(/^(\S+) ([01])$/m);
  if (!m) throw new Error(`${shell.describe}: sbatch for job ${jobId} answered ${JSON.stringify(out.trim())}, not "<slurm id> <0|1>"`);
  return { slurmId: m[1]!, created: m[2] === '1' };
}

/** Slurm's view of a job: scontrol while the controller holds it, sacct after; undefined if neither knows it. */
export async function querySlurm(shell: RemoteShell, slurmId: string): Promise<SlurmState | undefined> {
  const r = await shell.exec(`scontrol show job -o ${q(slurmId)} 2>&1; echo "--sacct--"; sacct -X -n -P -o JobID,State,ExitCode -j ${q(slurmId)} 2>/dev/null || true`);
  const [ctl, acct] = r.stdout.split('--sacct--');
  return parseScontrol((ctl ?? '').trim()) ?? parseSacct(acct ?? '');
}

/** `scancel` (optionally just a signal to every process of the job, batch shell included). */
export async function scancel(shell: RemoteShell, slurmId: string, signal?: string): Promise<void> {
  const args = signal ? `--signal=${signal} --full ` : '';
  await run(shell, `scancel ${args}${slurmId}`, `scancel ${args}${q(slurmId)}`);
}
