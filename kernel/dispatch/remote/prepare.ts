/**
 * Puts a job on the target with few remote commands (each costs a process start on the
 * server; SFTP transfers do not): the local work dir (with the inputs the kernel materialized)
 * is uploaded as the job's remote cwd, staged files go to the content-addressed cache
 * (uploaded once per content), and the job directory appears atomically (`mv -T` of a
 * fully written temp dir), so a half-uploaded job is never mistaken for a real one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { renderJobScript, shellQuote } from '../local/job-dir';
import type { JobSpec } from '../types';
import { sha256File } from './hash';
import { remoteLayout, remoteSpec, stagePath, type RemoteJobLayout } from './layout';
import type { RemoteShell } from './shell';
import { renderWrapper, type WrapperOptions } from './wrapper-script';

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

/**
 * The (local, remote) pairs that copy a local file or tree to `remote`.
 * @example await uploadsFor('/w', '/r/jobs/x/work') // [{ local: '/w/inputs/a', remote: '/r/jobs/x/work/inputs/a' }]
 */
export async function uploadsFor(local: string, remote: string): Promise<Array<{ local: string; remote: string }>> {
  const s = await stat(local).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!s) return [];
  if (s.isFile()) return [{ local, remote }];
  return (await listFiles(local)).map((f) => ({ local: f.abs, remote: posix.join(remote, ...f.rel.split('/')) }));
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

interface StagePlan {
  /** local → remote prefix pairs for rewriting argv and env. */
  map: Array<[string, string]>;
  uploads: Array<{ local: string; remote: string }>;
  /** Shell that publishes the uploaded temp dirs as `<root>/stage/<sha>`. */
  publish: string[];
}

/**
 * Plans the upload of staged paths into `<root>/stage/<sha>/`, skipping content already
 * there (one exec checks all of them).
 */
async function planStage(shell: RemoteShell, root: string, stage: string[]): Promise<StagePlan> {
  const plan: StagePlan = { map: [], uploads: [], publish: [] };
  const entries: Array<{ local: string; dir: string }> = [];
  for (const local of stage) {
    let sha: string;
    try {
      sha = await contentHash(local);
    } catch (err) {
      throw new Error(`stage path ${local}: ${(err as Error).message}`);
    }
    entries.push({ local, dir: posix.join(root, 'stage', sha) });
    plan.map.push([local, stagePath(root, sha, local)]);
  }
  if (entries.length === 0) return plan;
  const present = await mustExec(
    shell,
    `for d in ${entries.map((e) => shellQuote(e.dir)).join(' ')}; do [ -e "$d/.complete" ] && printf '%s\\n' "$d"; done; exit 0`,
    'checking the stage cache',
  );
  const have = new Set(present.split('\n'));
  for (const e of entries) {
    if (have.has(e.dir)) continue;
    have.add(e.dir); // the same content staged twice in one job
    const tmp = `${e.dir}.tmp-${randomBytes(4).toString('hex')}`;
    plan.uploads.push(...(await uploadsFor(e.local, posix.join(tmp, posix.basename(e.local)))));
    // Someone else may have staged the same content meanwhile: theirs is as good as ours.
    plan.publish.push(`touch ${shellQuote(`${tmp}/.complete`)} && { mv -T ${shellQuote(tmp)} ${shellQuote(e.dir)} 2>/dev/null || rm -rf ${shellQuote(tmp)}; }`);
  }
  return plan;
}

export interface PreparedJob {
  layout: RemoteJobLayout;
  /** The spec as it runs remotely. */
  remote: JobSpec;
  /** False: the job directory already existed (an earlier start); nothing was replaced. */
  created: boolean;
}

/**
 * Uploads everything a job needs (one uploadMany) and creates its directory atomically
 * (one exec). An existing job directory is left alone (`created: false`): submit is
 * idempotent by job id. `scratch` is a local dir for the generated files (job.sh, …).
 * @example const { layout, created } = await prepareJob(shell, '/r', spec, { timeoutMs: 0, graceMs: 5000 }, mirrorDir);
 */
export async function prepareJob(shell: RemoteShell, root: string, spec: JobSpec, wrapper: WrapperOptions, scratch: string): Promise<PreparedJob> {
  const layout = remoteLayout(root, spec);
  const existing = await readRemoteSpec(shell, layout);
  if (existing) return { layout, remote: existing, created: false };
  const stage = await planStage(shell, root, spec.stage ?? []);
  const remote = remoteSpec(spec, layout, stage.map);

  const tmp = posix.join(root, 'jobs', `.tmp-${spec.jobId}-${randomBytes(4).toString('hex')}`);
  const generated: Array<[string, string]> = [
    ['job.sh', renderJobScript(remote, layout.paths)],
    ['spec.json', `${JSON.stringify(remote, null, 2)}\n`],
    ['run.sh', renderWrapper(wrapper)],
  ];
  await mkdir(scratch, { recursive: true });
  const uploads = [...stage.uploads, ...(await uploadsFor(spec.cwd, posix.join(tmp, 'work')))];
  for (const [name, text] of generated) {
    await writeFile(join(scratch, name), text);
    uploads.push({ local: join(scratch, name), remote: posix.join(tmp, name) });
  }
  await shell.uploadMany(uploads);
  const leftovers = posix.join(root, 'jobs', `.tmp-${spec.jobId}-`);
  const commands = [
    ...stage.publish,
    // Temp dirs of this job id from a start that died mid-upload (a killed kernel).
    `for d in ${shellQuote(leftovers)}*; do [ "$d" = ${shellQuote(tmp)} ] || rm -rf "$d"; done`,
    `mkdir -p ${shellQuote(posix.join(tmp, 'work'))}${layout.checkpoints ? ` ${shellQuote(layout.checkpoints)}` : ''}`,
    `mv -T ${shellQuote(tmp)} ${shellQuote(layout.paths.dir)} && echo created || rm -rf ${shellQuote(tmp)}`,
  ];
  const out = await mustExec(shell, commands.join('\n'), `creating job directory ${layout.paths.dir}`);
  if (out.trim().endsWith('created')) return { layout, remote, created: true };
  const again = await readRemoteSpec(shell, layout);
  if (again) return { layout, remote: again, created: false };
  throw new Error(`${shell.describe}: cannot create job directory ${layout.paths.dir}`);
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
