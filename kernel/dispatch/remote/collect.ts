/**
 * Collect for a remote job: the files it declared (spec.outputs) and announced (`artifact`
 * lines) are downloaded into the local work dir with sha256 checked, then the local
 * collector (local/collect.ts) builds the JobResult from the mirror — one result shape
 * and the same confinement rules for every dispatcher.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { collectResult } from '../local/collect';
import { shellQuote, type JobPaths } from '../local/job-dir';
import { ProtocolReader } from '../protocol';
import type { JobResult, JobSpec, JobStatus } from '../types';
import { rewritePaths, type RemoteJobLayout } from './layout';
import type { RemoteShell } from './shell';

function inside(dir: string, path: string): boolean {
  const rel = posix.relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel));
}

/**
 * Which candidate paths are regular files that stay inside the remote work dir after
 * resolving symlinks (one exec for all of them). The rest is left to the local collector
 * to report as missing or refused.
 */
async function downloadable(shell: RemoteShell, work: string, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const script = `w=$(realpath -e ${shellQuote(work)}) || exit 0; echo "W $w"; for p in ${paths.map(shellQuote).join(' ')}; do [ -f "$p" ] && r=$(realpath -e "$p") && printf 'F %s\\t%s\\n' "$p" "$r"; done; exit 0`;
  const r = await shell.exec(script);
  const lines = r.stdout.split('\n');
  const realWork = lines.find((l) => l.startsWith('W '))?.slice(2);
  if (!realWork) return [];
  return lines
    .filter((l) => l.startsWith('F '))
    .map((l) => l.slice(2).split('\t') as [string, string])
    .filter(([, real]) => inside(realWork, real))
    .map(([p]) => p);
}

/**
 * Downloads a terminal job's files and collects it.
 * @example const result = await collectRemote(shell, spec, layout, mirrorPaths, status);
 */
export async function collectRemote(shell: RemoteShell, spec: JobSpec, layout: RemoteJobLayout, local: JobPaths, status: JobStatus): Promise<JobResult> {
  const text = await readFile(local.events, 'utf8').catch(() => '');
  const reader = new ProtocolReader('events.jsonl');
  const events = [reader.push(text), reader.end()].flatMap((p) => p.events);
  const wanted = new Set<string>();
  for (const p of Object.values(spec.outputs)) wanted.add(posix.resolve(layout.work, p));
  for (const e of events) if (e.type === 'artifact') wanted.add(posix.resolve(layout.work, e.path));
  const candidates = [...wanted].filter((p) => inside(layout.work, p));
  for (const remote of await downloadable(shell, layout.work, candidates)) {
    await shell.download(remote, join(spec.cwd, ...posix.relative(layout.work, remote).split('/')));
  }
  // The job wrote remote paths into its artifact lines: point them at the downloaded copies.
  const translated = join(local.dir, 'events.local.jsonl');
  await writeFile(translated, rewritePaths(text, [[layout.work, spec.cwd]]));
  return collectResult(spec, { ...local, events: translated }, status);
}
