/**
 * Puts a job on the target: the local work dir (with the inputs the kernel materialized)
 * is uploaded as the job's remote cwd, staged files go to the content-addressed cache
 * (uploaded once per content), and the job directory appears atomically (`mv -T` of a
 * fully written temp dir), so a half-uploaded job is never mistaken for a real one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { renderJobScript, shellQuote } from '../local/job-dir';
import type { JobSpec } from '../types';
import { sha256File } from './hash';
import { remoteLayout, remoteSpec, stagePath, type RemoteJobLayout } from './layout';
import type { RemoteShell } from './shell';
import { renderWrapper, type WrapperOptions } from './wrapper-script';

/** Concurrent uploads per job (a few SFTP writes in flight hide the round trips). */
const UPLOADS_AT_ONCE = 4;

/** Runs a command that must exit 0; the error names the shell and the command's stderr. */
export async function mustExec(shell: RemoteShell, command: string, what: string, stdin?: string): Promise<string> {
  const r = await shell.exec(command, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`${shell.describe}: ${what} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Expands a leading `~` with the remote $HOME (SFTP paths are not expanded by a shell).
 * @example await resolveRoot(shell, '~/.sgr-remote') // '/home/me/.sgr-remote'
 */
export async function resolveRoot(shell: RemoteShell, root: string): Promise<string> {
  if (root !== '~' && !root.startsWith('~/')) return root;
  const home = (await mustExec(shell, 'printf %s "$HOME"', 'reading $HOME')).trim();
  if (!home.startsWith('/')) throw new Error(`${shell.describe}: remote $HOME is ${JSON.stringify(home)}, not an absolute path; set root: in targets.yaml`);
  return posix.join(home, root.slice(1));
}

/** Every regular file under `dir` (symlinks followed), relative paths; [] if dir is missing. */
async function listFiles(dir: string): Promise<Array<{ rel: string; abs: string }>> {
  const out: Array<{ rel: string; abs: string }> = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of entries.sort()) {
      const abs = join(d, name);
      const s = await stat(abs);
      if (s.isDirectory()) await walk(abs);
      else if (s.isFile()) out.push({ rel: relative(dir, abs), abs });
    }
  };
  await walk(dir);
  return out;
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Uploads a local directory tree (sha256 checked per file by the shell).
 * @example await uploadTree(shell, '/home/me/.sgr/work/r1/s/a1', '/r/jobs/x/work')
 */
export async function uploadTree(shell: RemoteShell, localDir: string, remoteDir: string): Promise<number> {
  const files = await listFiles(localDir);
  await mustExec(shell, `mkdir -p ${shellQuote(remoteDir)}`, `creating ${remoteDir}`);
  await inParallel(files, UPLOADS_AT_ONCE, async (f) => {
    await shell.upload(f.abs, posix.join(remoteDir, ...f.rel.split('/')));
  });
  return files.length;
}

/** Content hash of a file or a directory tree (paths, modes and file hashes). */
async function contentHash(path: string): Promise<string> {
  const s = await stat(path);
  if (s.isFile()) return `${(await sha256File(path)).sha256}`;
  const h = createHash('sha256');
  for (const f of await listFiles(path)) {
    const mode = (await stat(f.abs)).mode & 0o777;
    h.update(`${f.rel}\0${mode.toString(8)}\0${(await sha256File(f.abs)).sha256}\n`);
  }
  return h.digest('hex');
}

/**
 * Uploads staged paths into `<root>/stage/<sha>/` unless that content is already there;
 * returns the local → remote prefix map for rewriting argv and env.
 * @example await stageAll(shell, '/r', ['/home/me/exp/train.py']) // [['/home/me/exp/train.py', '/r/stage/9f…/train.py']]
 */
export async function stageAll(shell: RemoteShell, root: string, stage: string[]): Promise<Array<[string, string]>> {
  const map: Array<[string, string]> = [];
  for (const local of stage) {
    let sha: string;
    try {
      sha = await contentHash(local);
    } catch (err) {
      throw new Error(`stage path ${local}: ${(err as Error).message}`);
    }
    const dir = posix.join(root, 'stage', sha);
    const remote = stagePath(root, sha, local);
    map.push([local, remote]);
    const present = await shell.exec(`[ -e ${shellQuote(`${dir}/.complete`)} ]`);
    if (present.code === 0) continue;
    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    const tmpTarget = posix.join(tmp, posix.basename(local));
    if ((await stat(local)).isDirectory()) await uploadTree(shell, local, tmpTarget);
    else await shell.upload(local, tmpTarget);
    // Someone else may have staged the same content meanwhile: theirs is as good as ours.
    await mustExec(shell, `touch ${shellQuote(`${tmp}/.complete`)} && { mv -T ${shellQuote(tmp)} ${shellQuote(dir)} 2>/dev/null || rm -rf ${shellQuote(tmp)}; }`, `staging ${local}`);
  }
  return map;
}

export interface PreparedJob {
  layout: RemoteJobLayout;
  /** The spec as it runs remotely. */
  remote: JobSpec;
  /** False: the job directory already existed (an earlier start); nothing was replaced. */
  created: boolean;
}

/**
 * Uploads everything a job needs and creates its directory atomically. An existing job
 * directory is left alone (`created: false`): submit is idempotent by job id.
 * @example const { layout, created } = await prepareJob(shell, '/r', spec, { timeoutMs: 0, graceMs: 5000 });
 */
export async function prepareJob(shell: RemoteShell, root: string, spec: JobSpec, wrapper: WrapperOptions): Promise<PreparedJob> {
  const layout = remoteLayout(root, spec);
  const existing = await readRemoteSpec(shell, layout);
  if (existing) return { layout, remote: existing, created: false };
  const staged = spec.stage?.length ? await stageAll(shell, root, spec.stage) : [];
  const remote = remoteSpec(spec, layout, staged);

  const tmp = posix.join(root, 'jobs', `.tmp-${spec.jobId}-${randomBytes(4).toString('hex')}`);
  await uploadTree(shell, spec.cwd, posix.join(tmp, 'work'));
  const files: Array<[string, string]> = [
    ['job.sh', renderJobScript(remote, layout.paths)],
    ['spec.json', `${JSON.stringify(remote, null, 2)}\n`],
    ['run.sh', renderWrapper(wrapper)],
  ];
  for (const [name, text] of files) await mustExec(shell, `cat >${shellQuote(posix.join(tmp, name))}`, `writing ${name} of job ${spec.jobId}`, text);
  const mkCheckpoints = layout.checkpoints ? `mkdir -p ${shellQuote(layout.checkpoints)} && ` : '';
  const moved = await shell.exec(`${mkCheckpoints}mv -T ${shellQuote(tmp)} ${shellQuote(layout.paths.dir)}`);
  if (moved.code !== 0) {
    await shell.exec(`rm -rf ${shellQuote(tmp)}`);
    const again = await readRemoteSpec(shell, layout);
    if (again) return { layout, remote: again, created: false };
    throw new Error(`${shell.describe}: cannot create job directory ${layout.paths.dir}: ${moved.stderr.trim()}`);
  }
  return { layout, remote, created: true };
}

/**
 * The remote spec of an existing job directory, or undefined when there is none. The
 * spec is written before the directory appears (mv -T), so a directory always has one.
 * @example (await readRemoteSpec(shell, layout))?.cwd // '/r/jobs/r1.train.1/work'
 */
export async function readRemoteSpec(shell: RemoteShell, layout: RemoteJobLayout): Promise<JobSpec | undefined> {
  const buf = await shell.read(layout.paths.spec, 0, 16 * 1024 * 1024);
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as JobSpec;
  } catch (err) {
    throw new Error(`${shell.describe}: ${layout.paths.spec} is not valid JSON: ${(err as Error).message}`);
  }
}
