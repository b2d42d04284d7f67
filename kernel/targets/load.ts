/**
 * Reads `$SGR_HOME/targets.yaml` (schema.ts) into checked target configs. Every problem is
 * reported at once as `<file>:<line> <field path>: <message>`, so a user fixes the file in
 * one pass. `local` is always there; references between targets (an ssh `jump`, a slurm
 * `ssh`) must name ssh targets of the same file, and jump chains must not loop. `~` in
 * paths expands to the user's home directory here, once, so dispatchers see plain paths.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { KernelError } from '../api/errors';
import { targetsFileSchema, type TargetConfig } from './schema';

export const TARGETS_FILE = 'targets.yaml';

/** One problem in targets.yaml; `line` is 1-based, `path` dotted from the top (`targets.gpu1.port`). */
export interface TargetsProblem {
  file: string;
  line: number;
  path: string;
  message: string;
}

/**
 * targets.yaml has problems; `message` lists them, one per line.
 * @example try { loadTargets(home) } catch (e) { if (e instanceof TargetsFileError) console.error(e.message) }
 */
export class TargetsFileError extends KernelError {
  override readonly name = 'TargetsFileError';
  constructor(readonly problems: TargetsProblem[]) {
    super('BAD_INPUT', problems.map((p) => `${p.file}:${p.line} ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
  }
}

export interface LoadedTargets {
  /** Absolute path of targets.yaml (whether it exists or not). */
  file: string;
  exists: boolean;
  /** Every target by name, `local` first. */
  targets: Map<string, TargetConfig>;
}

/** @example targetsFile('/home/me/.local/share/sgr') // '/home/me/.local/share/sgr/targets.yaml' */
export function targetsFile(home: string): string {
  return join(home, TARGETS_FILE);
}

/**
 * Loads the targets of a home. A missing file means: only `local`.
 * @example loadTargets('/tmp/sgr').targets.get('local') // { kind: 'local' }
 */
export function loadTargets(home: string, userHome: string = homedir()): LoadedTargets {
  const file = targetsFile(home);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, exists: false, targets: new Map([['local', { kind: 'local' }]]) };
    throw new TargetsFileError([{ file, line: 1, path: '', message: `cannot read the file: ${code ?? String(err)}` }]);
  }
  return { file, exists: true, targets: parseTargets(text, file, userHome) };
}

/**
 * Parses targets.yaml text; `file` names it in problems.
 * @example parseTargets('targets:\n  box: { kind: docker }\n', 'targets.yaml').get('box')?.kind // 'docker'
 */
export function parseTargets(text: string, file: string, userHome: string = homedir()): Map<string, TargetConfig> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lines.linePos(offset).line;
  const problems: TargetsProblem[] = doc.errors.map((e) => ({ file, line: lineAt(e.pos[0]), path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` }));
  if (problems.length > 0) throw new TargetsFileError(problems);
  const raw: unknown = doc.contents === null ? {} : doc.toJS();
  const parsed = targetsFileSchema.safeParse(raw, { reportInput: true });
  const where = (path: readonly PropertyKey[]): number => lineAt(offsetOf(doc, path));
  if (!parsed.success) {
    throw new TargetsFileError(parsed.error.issues.flatMap((i) => issueProblems(i, file, where)).sort((a, b) => a.line - b.line));
  }
  const targets = new Map<string, TargetConfig>([['local', { kind: 'local' }]]);
  const declared = parsed.data.targets;
  const refProblems: TargetsProblem[] = [];
  for (const [name, t] of Object.entries(declared)) {
    if (name === 'local' && t.kind !== 'local') {
      refProblems.push({ file, line: where(['targets', name, 'kind']), path: `targets.${name}.kind`, message: '"local" is this machine; it may only set description and resources (kind: local)' });
    }
    for (const [field, ref] of references(t)) {
      const other = declared[ref];
      const path = `targets.${name}.${field}`;
      if (!other) refProblems.push({ file, line: where(['targets', name, field]), path, message: `no ssh target named "${ref}" in this file` });
      else if (other.kind !== 'ssh') refProblems.push({ file, line: where(['targets', name, field]), path, message: `"${ref}" is a ${other.kind} target; ${field} must name an ssh target` });
    }
    const loop = jumpLoop(name, declared);
    if (loop) refProblems.push({ file, line: where(['targets', name, 'jump']), path: `targets.${name}.jump`, message: `jump hosts form a loop: ${loop.join(' → ')}` });
  }
  if (refProblems.length > 0) throw new TargetsFileError(refProblems.sort((a, b) => a.line - b.line));
  for (const [name, t] of Object.entries(declared)) targets.set(name, expandPaths(t, userHome));
  return targets;
}

/** The other targets a target names: `[field, target name]`. */
function references(t: TargetConfig): Array<[string, string]> {
  if (t.kind === 'ssh' && t.jump) return [['jump', t.jump]];
  if (t.kind === 'slurm' && t.ssh) return [['ssh', t.ssh]];
  return [];
}

/** The jump chain from `start` when it returns to a target already on it, else null. */
function jumpLoop(start: string, all: Record<string, TargetConfig>): string[] | null {
  const chain = [start];
  let cur = all[start];
  while (cur?.kind === 'ssh' && cur.jump) {
    const next = cur.jump;
    if (chain.includes(next)) return next === start ? [...chain, next] : null; // a loop not through `start` is reported on its own members
    chain.push(next);
    cur = all[next];
  }
  return null;
}

/** `~` and `~/x` → the user's home directory; other paths unchanged. */
export function expandHome(p: string, userHome: string = homedir()): string {
  return p === '~' ? userHome : p.startsWith('~/') ? join(userHome, p.slice(2)) : p;
}

function expandPaths(t: TargetConfig, userHome: string): TargetConfig {
  const x = (p: string | undefined) => (p === undefined ? undefined : expandHome(p, userHome));
  if (t.kind === 'ssh') return strip({ ...t, key: x(t.key), knownHosts: x(t.knownHosts) });
  // Remote roots (ssh/slurm `root`) stay as written: `~` there is the remote user's home.
  return t;
}

/** Drops keys whose value is undefined, so a config compares and prints as written. */
function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function issueProblems(issue: z.core.$ZodIssue, file: string, where: (path: readonly PropertyKey[]) => number): TargetsProblem[] {
  const path = issue.path;
  const dotted = (p: readonly PropertyKey[]) => p.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({ file, line: where([...path, k]), path: dotted([...path, k]), message: `unknown key "${k}"` }));
  }
  return [{ file, line: where(path), path: dotted(path), message: describe(issue) }];
}

const KINDS = 'local, docker, ssh, slurm';

/** zod's issue in the words of the file: "expected a number, got "abc"". */
function describe(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? 'nothing' : JSON.stringify(input);
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? 'missing required key' : `expected ${article(issue.expected)}, got ${got}`;
    case 'invalid_union':
      return issue.path[issue.path.length - 1] === 'kind' || (issue as { note?: string }).note ? `kind must be one of ${KINDS}` : issue.message;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'invalid_key':
      // A target name that breaks the name rule: the rule's own words.
      return issue.issues[0]?.message ?? issue.message;
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
      return `${issue.message}, got ${got}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/**
 * Offset of the node at `path` in the document: the deepest existing node on the path
 * (a missing key points at its parent), the document start when nothing matches.
 */
function offsetOf(doc: Document.Parsed, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let at = (node as YamlNode | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    let next: { key: unknown; value: unknown } | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (pair) next = { key: pair.key, value: pair.value };
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const item = node.items[Number(seg)];
      if (item !== undefined) next = { key: null, value: item };
    }
    if (!next) break;
    const r = (next.value as YamlNode | null)?.range ?? (next.key as YamlNode | null)?.range;
    if (r) at = r[0];
    node = next.value;
  }
  return at;
}
