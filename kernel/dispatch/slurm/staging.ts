/**
 * Files in and out of the cluster through the RemoteShell: the job's work dir (materialized
 * inputs) and its staged paths go up before sbatch; declared outputs and artifacts come
 * back into the local work dir when the job is over. Transfers are sha256-checked by the shell.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import type { RemoteShell } from '../remote/shell';
import type { JobSpec, ProtocolEvent } from '../types';
import type { RemoteLayout } from './remote-layout';

/** Byte-compiled caches are rebuilt on the cluster and would only slow the upload. */
const SKIP = new Set(['__pycache__', '.git', 'node_modules']);

async function filesUnder(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return [];
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) return [];
  const out: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    out.push(...(await filesUnder(join(path, entry.name))));
  }
  return out;
}

/** Uploads the work dir and the staged paths; returns how many files went up. */
export async function uploadInputs(shell: RemoteShell, spec: JobSpec, layout: RemoteLayout): Promise<number> {
  let n = 0;
  for (const file of await filesUnder(spec.cwd)) {
    await shell.upload(file, posix.join(layout.work, relative(spec.cwd, file)));
    n++;
  }
  for (const root of spec.stage ?? []) {
    for (const file of await filesUnder(root)) {
      await shell.upload(file, posix.join(layout.stage, file));
      n++;
    }
  }
  return n;
}

/** Relative paths (inside the work dir) of what the job declared or announced as artifacts. */
export function producedPaths(spec: JobSpec, events: ProtocolEvent[], layout: RemoteLayout): string[] {
  const rels = new Set<string>(Object.values(spec.outputs));
  for (const e of events) {
    if (e.type !== 'artifact') continue;
    const p = e.path.startsWith('/') ? posix.relative(layout.work, e.path) : e.path;
    rels.add(p);
  }
  // Never fetch from outside the work dir: collect would refuse such a path anyway.
  return [...rels].filter((p) => p !== '' && !p.startsWith('..') && !posix.isAbsolute(p));
}

/** Downloads each produced path that exists remotely; missing ones are left to collect to report. */
export async function downloadOutputs(shell: RemoteShell, spec: JobSpec, rels: string[], layout: RemoteLayout): Promise<string[]> {
  const warnings: string[] = [];
  for (const rel of rels) {
    const remote = posix.join(layout.work, rel);
    const probe = await shell.exec(`test -f ${quote(remote)} && echo file || { test -d ${quote(remote)} && echo dir; }`);
    const kind = probe.stdout.trim();
    if (kind === 'file') await shell.download(remote, join(spec.cwd, rel));
    else if (kind === 'dir') {
      const list = await shell.exec(`cd ${quote(remote)} && find . -type f`);
      for (const f of list.stdout.split('\n').filter(Boolean)) {
        await shell.download(posix.join(remote, f), join(spec.cwd, rel, f));
      }
    } else if (kind !== '') warnings.push(`output ${rel}: unexpected probe answer ${JSON.stringify(kind)}`);
  }
  return warnings;
}

function quote(v: string): string {
  return `'${v.replaceAll("'", `'\\''`)}'`;
}
