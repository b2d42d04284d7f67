/**
 * Turns a finished job directory into a JobResult. Output paths come from the spec and,
 * worse, from the job's own protocol lines, so every path is confined to the job's cwd:
 * the CAS must never ingest a file the job merely pointed at (`../../.ssh/id_rsa`).
 */
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { ProtocolReader } from '../protocol';
import type { JobResult, JobSpec, JobStatus } from '../types';
import { readStartedFile, type JobPaths } from './job-dir';

const STDERR_TAIL_BYTES = 4096;

type Resolved = { path: string } | { absent: true } | { refused: string };

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Resolves a job-relative (or absolute) path and checks it stays inside `cwd`, also
 * after following symlinks. Returns the real path, so the CAS reads what was checked.
 * @example await resolveInside('/w', 'out/a.txt') // { path: '/w/out/a.txt' }
 * @example await resolveInside('/w', '../x')      // { refused: 'escapes the job directory /w' }
 */
export async function resolveInside(cwd: string, path: string): Promise<Resolved> {
  const abs = resolve(cwd, path);
  if (!isInside(cwd, abs)) return { refused: `escapes the job directory ${cwd}` };
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    return { absent: true };
  }
  const realCwd = await realpath(cwd);
  if (!isInside(realCwd, real)) return { refused: `is a symlink to ${real}, outside the job directory ${cwd}` };
  return { path: real };
}

/** Maps a shell exit status above 128 back to the signal name, the shell's own convention. */
function signalOf(exitCode: number | null, killedBy: JobResult['killedBy']): string | null {
  // No exit file although we killed it: only SIGKILL gets past the wrapper's TERM trap.
  if (exitCode === null) return killedBy ? 'SIGKILL' : null;
  if (exitCode <= 128) return null;
  const entry = Object.entries(constants.signals).find(([, n]) => n === exitCode - 128);
  return entry ? entry[0] : null;
}

async function readTail(path: string, bytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    // Skip UTF-8 continuation bytes so the tail does not begin with a broken character.
    let skip = 0;
    while (start > 0 && skip < buf.length && skip < 3 && (buf[skip]! & 0xc0) === 0x80) skip++;
    return buf.subarray(skip).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** When the job ended: `exit` is written at the end; otherwise the last log write or the kill. */
async function endedAt(paths: JobPaths): Promise<number> {
  const exit = await mtimeMs(paths.exit);
  if (exit !== undefined) return exit;
  const times = await Promise.all([paths.stdout, paths.stderr, paths.killed, paths.pid].map(mtimeMs));
  const known = times.filter((t): t is number => t !== undefined);
  return known.length > 0 ? Math.max(...known) : Date.now();
}

/**
 * Gathers what a terminal job produced.
 * @example const result = await collectResult(spec, jobPaths(root, spec.jobId), status);
 */
export async function collectResult(spec: JobSpec, paths: JobPaths, status: JobStatus): Promise<JobResult> {
  const prefix = `job ${spec.jobId}: `;
  const warnings: string[] = [];
  const reader = new ProtocolReader('events.jsonl');
  const text = await readFile(paths.events, 'utf8').catch(() => '');
  const parsed = [reader.push(text), reader.end()];
  const events = parsed.flatMap((p) => p.events);
  warnings.push(...parsed.flatMap((p) => p.warnings).map((w) => prefix + w));

  const files: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, path] of Object.entries(spec.outputs)) {
    const r = await resolveInside(spec.cwd, path);
    if ('path' in r) files[name] = r.path;
    else {
      // A refused output counts as not produced: the step must not succeed on it.
      missing.push(name);
      if ('refused' in r) warnings.push(`${prefix}output "${name}" (${path}) ${r.refused} — refused`);
    }
  }
  for (const event of events) {
    if (event.type !== 'artifact') continue;
    const what = `artifact "${event.name}" (${event.path})`;
    // Declared outputs are the step's contract and win; among artifacts the last line wins
    // (a job re-announcing "model" each epoch means its newest file).
    if (Object.hasOwn(spec.outputs, event.name)) {
      warnings.push(`${prefix}${what} has the name of a declared output — ignored`);
      continue;
    }
    const r = await resolveInside(spec.cwd, event.path);
    if ('path' in r) files[event.name] = r.path;
    else if ('refused' in r) warnings.push(`${prefix}${what} ${r.refused} — refused`);
    else warnings.push(`${prefix}${what} does not exist — ignored`);
  }

  const exitCode = status.exitCode ?? null;
  const killedBy = status.killedBy ?? null;
  const started = await readStartedFile(paths);
  return {
    jobId: spec.jobId,
    exitCode,
    signal: signalOf(exitCode, killedBy),
    killedBy,
    files,
    missing,
    events,
    warnings,
    stderrTail: await readTail(paths.stderr, STDERR_TAIL_BYTES),
    durationMs: started === undefined ? 0 : Math.max(0, Math.round((await endedAt(paths)) - started)),
  };
}
