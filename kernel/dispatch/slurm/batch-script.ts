/**
 * The sbatch script of a job. Slurm runs it as the batch step; it runs the job's `job.sh`
 * (the local dispatcher's format, with remote paths) in its own process group, forwards
 * Slurm's warning signal (`--signal=B:TERM@<s>` reaches only the batch shell) to that
 * group, and records the exit code in the job directory, like the local wrapper does.
 */
import type { SlurmTarget } from '../../targets/schema';
import type { JobSpec } from '../types';
import { shellQuote, type JobPaths } from '../local/job-dir';

/** `sgr-<jobId>`: how a restarted kernel finds the job in squeue/sacct (see submit). */
export const slurmJobName = (jobId: string): string => `sgr-${jobId}`;

/**
 * `#SBATCH` options from the step's resources, the target's defaults and its queue settings.
 * @example sbatchOptions(spec, { kind: 'slurm', partition: 'debug', signalSeconds: 60, defaults: { time: 30 } }, paths)
 * // ['--job-name=sgr-r.s.1', …, '--partition=debug', '--time=30', '--signal=B:TERM@60']
 */
export function sbatchOptions(spec: JobSpec, target: SlurmTarget, remote: JobPaths): string[] {
  const r = spec.resources ?? {};
  const d = target.defaults ?? {};
  const cpus = r.cpus ?? d.cpus;
  const mem = r.memoryMb ?? d.memoryMb;
  const gpus = r.gpus ?? d.gpus;
  const warnS = target.signalSeconds ?? 60;
  // With a step timeout the dispatcher cancels the job itself; Slurm's limit is only the
  // backstop for when the kernel is away, placed so that its warning (warnS before it)
  // cannot come before the timeout — else a short step would be told to checkpoint at once.
  const minutes = spec.timeoutMs > 0 ? Math.ceil((spec.timeoutMs / 1000 + warnS) / 60) + 1 : d.time;
  const opts = [
    `--job-name=${slurmJobName(spec.jobId)}`,
    `--comment=sgr:${spec.jobId}`,
    `--chdir=${remote.dir}`,
    // Slurm's own messages (the job's output goes to stdout.log/stderr.log via the script).
    `--output=${remote.dir}/slurm.out`,
    `--error=${remote.dir}/slurm.out`,
    '--open-mode=append',
    '--requeue',
    `--signal=B:TERM@${warnS}`,
    '--nodes=1',
    '--ntasks=1',
  ];
  if (cpus !== undefined) opts.push(`--cpus-per-task=${Math.ceil(cpus)}`);
  if (mem !== undefined) opts.push(`--mem=${Math.ceil(mem)}M`);
  if (gpus !== undefined && gpus > 0) opts.push(`--gres=gpu:${gpus}`);
  if (minutes !== undefined) opts.push(`--time=${minutes}`);
  if (target.partition) opts.push(`--partition=${target.partition}`);
  if (target.account) opts.push(`--account=${target.account}`);
  if (target.qos) opts.push(`--qos=${target.qos}`);
  return opts;
}

/**
 * The batch script. Why each piece:
 * - `rm -f exit` first: a job Slurm requeued (preemption, node failure) runs this again.
 * - `killed` checked before the start: a cancel that landed while the job was pending.
 * - `set -m`: job.sh becomes a process-group leader, so one kill reaches its whole tree.
 * - the TERM trap forwards and keeps waiting: the job checkpoints and exits (75), and the
 *   script still writes `exit`; the loop re-waits because a trapped signal ends `wait` early.
 */
export function renderBatchScript(spec: JobSpec, target: SlurmTarget, remote: JobPaths): string {
  const j = shellQuote(remote.dir);
  return [
    '#!/bin/bash',
    ...sbatchOptions(spec, target, remote).map((o) => `#SBATCH ${o}`),
    `# job ${spec.jobId}, written by the SGR slurm dispatcher`,
    `J=${j}`,
    'rm -f "$J/exit"',
    '[ -e "$J/started" ] || printf "%s\\n" "$(date +%s%3N)" >"$J/started"',
    'printf "%s %s %s\\n" "${SLURM_JOB_ID-}" "${SLURM_RESTART_COUNT:-0}" "$(date +%s)" >>"$J/runs"',
    'if [ -e "$J/killed" ]; then printf "143\\n" >"$J/exit"; exit 143; fi',
    'set -m',
    'child=',
    'trap \'[ -n "$child" ] && kill -TERM -- "-$child" 2>/dev/null\' TERM INT',
    '/bin/sh "$J/job.sh" </dev/null >>"$J/stdout.log" 2>>"$J/stderr.log" &',
    'child=$!',
    'printf "%s\\n" "$child" >"$J/pid"',
    'while :; do wait "$child"; code=$?; kill -0 "$child" 2>/dev/null || break; done',
    'wait "$child" 2>/dev/null; last=$?; [ "$last" -ne 127 ] && code=$last',
    'printf "%s\\n" "$code" >"$J/exit.tmp" && mv -f "$J/exit.tmp" "$J/exit"',
    'exit "$code"',
    '',
  ].join('\n');
}
