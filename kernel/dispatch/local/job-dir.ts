/**
 * The job directory `<root>/<jobId>/` is the job's whole durable state: a kernel that
 * restarts after a crash learns everything about a job from these files, so their names
 * and formats are a contract with the launcher script (launcher-script.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobSpec } from '../types';

/** Paths of the files in one job directory. */
export interface JobPaths {
  dir: string;
  script: string;
  spec: string;
  claim: string;
  pid: string;
  started: string;
  stdout: string;
  stderr: string;
  events: string;
  exit: string;
  killed: string;
}

/**
 * @example jobPaths('/home/u/.sgr/jobs', 'run1.train.1').exit // '/home/u/.sgr/jobs/run1.train.1/exit'
 */
export function jobPaths(root: string, jobId: string): JobPaths {
  const dir = join(root, jobId);
  const f = (name: string) => join(dir, name);
  return {
    dir,
    script: f('job.sh'),
    spec: f('spec.json'),
    claim: f('claim'),
    pid: f('pid'),
    started: f('started'),
    stdout: f('stdout.log'),
    stderr: f('stderr.log'),
    events: f('events.jsonl'),
    exit: f('exit'),
    killed: f('killed'),
  };
}

// The id becomes a directory name and travels on the launcher's line protocol, so it must
// not contain '/', a newline or NUL, and must not be '.' or '..'.
const SAFE_JOB_ID = /^[A-Za-z0-9_][A-Za-z0-9_.:@+=,-]{0,199}$/;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** @example isSafeJobId('run1.train.1') // true; isSafeJobId('../x') // false */
export function isSafeJobId(jobId: string): boolean {
  return SAFE_JOB_ID.test(jobId);
}

/**
 * Throws a message naming the job when the spec cannot be run safely.
 * @example validateSpec({ ...spec, argv: [] }) // throws 'job r.s.1: argv is empty'
 */
export function validateSpec(spec: JobSpec): void {
  const fail = (why: string): never => {
    throw new Error(`job ${JSON.stringify(spec.jobId)}: ${why}`);
  };
  if (!isSafeJobId(spec.jobId)) fail('job id must be 1–200 characters of [A-Za-z0-9_.:@+=,-], not starting with "." or "-"');
  if (spec.argv.length === 0) fail('argv is empty');
  if (!spec.cwd.startsWith('/')) fail(`cwd must be an absolute path, got ${JSON.stringify(spec.cwd)}`);
  for (const key of Object.keys(spec.env)) {
    if (!SHELL_NAME.test(key)) fail(`env name ${JSON.stringify(key)} is not a valid variable name`);
  }
  // NUL cannot be passed through argv or the environment by any OS.
  const values = [spec.cwd, ...spec.argv, ...Object.values(spec.env)];
  if (values.some((v) => v.includes('\0'))) fail('argv, env or cwd contains a NUL byte');
  if (!Number.isFinite(spec.timeoutMs) || spec.timeoutMs < 0) fail(`timeoutMs must be >= 0, got ${spec.timeoutMs}`);
}

/**
 * Quotes a value for POSIX sh: inside single quotes nothing is special except the quote.
 * @example shellQuote("it's") // `'it'\''s'`
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

// Names bash treats specially (readonly, or magic on assignment). The launcher sources
// job.sh in a bash subshell; a spec exporting one of these gets job.sh re-run by /bin/sh,
// so the job sees exactly the value it asked for.
const BASH_SPECIAL =
  /^(BASH\w*|COMP_\w+|DIRSTACK|EPOCHREALTIME|EPOCHSECONDS|EUID|FUNCNAME|GLOBIGNORE|GROUPS|HISTCMD|LINENO|OPTERR|OPTIND|PIPESTATUS|POSIXLY_CORRECT|PPID|RANDOM|SECONDS|SHELLOPTS|SRANDOM|UID)$/;

/**
 * What every job is told about itself (docs/job-protocol.md), whatever runs it. Set after
 * spec.env by every dispatcher, so a skill's env cannot spoof it.
 * @example sgrJobEnv(spec, '/jobs/r.s.1/events.jsonl').SGR_ATTEMPT // '1'
 */
export function sgrJobEnv(spec: JobSpec, eventsFile: string): Record<string, string> {
  return {
    SGR_JOB_ID: spec.jobId,
    SGR_RUN_ID: spec.runId,
    SGR_STEP_ID: spec.stepId,
    SGR_ATTEMPT: String(spec.attempt),
    SGR_EVENTS_FILE: eventsFile,
    SGR_WORK_DIR: spec.cwd,
  };
}

/**
 * The job's script, plain POSIX sh. The launcher sources it in a subshell (saves an exec
 * per job); `sh job.sh` re-runs a job by hand. `exec` makes the user's program the process
 * the wrapper waits for, so its exit code is the job's exit code. SGR_* are exported last
 * so that spec.env cannot spoof them.
 * @example renderJobScript(spec, paths) // "cd '/w' || exit 127\nexport SGR_JOB_ID='r.s.1'\n…exec 'python' 'train.py'\n"
 */
export function renderJobScript(spec: JobSpec, paths: JobPaths): string {
  const env: Record<string, string> = { ...spec.env, ...sgrJobEnv(spec, paths.events) };
  const posixOnly = Object.keys(spec.env).some((k) => BASH_SPECIAL.test(k));
  const lines = [
    `# job ${spec.jobId}, written by the SGR local dispatcher`,
    ...(posixOnly
      ? [`if [ -z "\${SGR_REEXEC-}" ]; then export SGR_REEXEC=1; exec /bin/sh ${shellQuote(paths.script)}; fi`, 'unset SGR_REEXEC']
      : []),
    `cd ${shellQuote(spec.cwd)} || exit 127`,
    ...Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `exec ${spec.argv.map(shellQuote).join(' ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Creates the job directory with job.sh and spec.json; fails with EEXIST if it exists.
 * `claim` is left to the launcher: a crash before it claims the job leaves a dir without
 * `claim`, which a restarted kernel fences and reports as `lost`. `events.jsonl` is left
 * to the job (`>>` and open(…, 'a') create it): one file create less per job.
 */
export async function writeJobFiles(spec: JobSpec, paths: JobPaths): Promise<void> {
  await mkdir(paths.dir, { recursive: false });
  await Promise.all([
    writeFile(paths.script, renderJobScript(spec, paths)),
    writeFile(paths.spec, `${JSON.stringify(spec, null, 2)}\n`),
    mkdir(spec.cwd, { recursive: true }),
  ]);
}

/**
 * Reads a file written by the launcher as one line; `undefined` until it exists and ends
 * with its newline (a reader never trusts a half-written file).
 */
export async function readLineFile(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return text.endsWith('\n') ? text.slice(0, -1) : undefined;
}

/** The `pid` file: pid and /proc starttime ("0" where /proc is absent). */
export async function readPidFile(paths: JobPaths): Promise<{ pid: number; startTime: string } | undefined> {
  const line = await readLineFile(paths.pid);
  const m = line?.match(/^(\d+) (\d+)$/);
  return m ? { pid: Number(m[1]), startTime: m[2]! } : undefined;
}

/** Exit code recorded by the wrapper, or undefined while it has not finished writing it. */
export async function readExitFile(paths: JobPaths): Promise<number | undefined> {
  const line = await readLineFile(paths.exit);
  return line !== undefined && /^\d+$/.test(line) ? Number(line) : undefined;
}

/** Epoch ms at which the wrapper started the job. */
export async function readStartedFile(paths: JobPaths): Promise<number | undefined> {
  const line = await readLineFile(paths.started);
  return line !== undefined && /^\d+$/.test(line) ? Number(line) : undefined;
}

/** Why the dispatcher killed the job, if it did. */
export async function readKilledFile(paths: JobPaths): Promise<'timeout' | 'cancel' | undefined> {
  try {
    const text = (await readFile(paths.killed, 'utf8')).trim();
    return text === 'timeout' || text === 'cancel' ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Records the kill reason; the first reason wins (a timeout that races a cancel stays a timeout). */
export async function writeKilledFile(paths: JobPaths, reason: 'timeout' | 'cancel'): Promise<void> {
  try {
    await writeFile(paths.killed, `${reason}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** The spec as written at submit time (for a job this process did not submit). */
export async function readSpecFile(paths: JobPaths, jobId: string): Promise<JobSpec> {
  try {
    return JSON.parse(await readFile(paths.spec, 'utf8')) as JobSpec;
  } catch (err) {
    throw new Error(`job ${jobId}: cannot read ${paths.spec}: ${(err as Error).message}`);
  }
}

/**
 * O_CREAT|O_EXCL, exactly like the wrapper's noclobber `>claim`: of a kernel fencing a
 * job and a wrapper starting it, exactly one wins.
 * @example await claimOnce(paths.claim) // true: fenced, this job id can no longer start
 */
export async function claimOnce(path: string): Promise<boolean> {
  try {
    await writeFile(path, `fenced by kernel process ${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
