/**
 * Test support for the editor model (imported by *.test.ts only): the shipped examples, a
 * line diff, and a check that text still loads with the kernel's loader and validates
 * against the built-in skills — the same path `sgr run` takes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseExperiment } from '../../kernel/plan/load-experiment';
import type { Kernel } from '../../kernel/api/kernel';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Every example experiment shipped in examples/ (v2 sweeps and the v1 fan-out). */
export function examples(): Array<{ name: string; file: string; text: string }> {
  const dir = join(ROOT, 'examples');
  const files = [...readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f)), join(dir, 'fanout', 'experiment.yaml')];
  return files.map((file) => ({ name: file.slice(dir.length + 1), file, text: readFileSync(file, 'utf8') }));
}

/** Lines only in `a` (removed) and only in `b` (added), by longest common subsequence. */
export function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = x[i] === y[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      i++;
      j++;
    } else if (L[i + 1]![j]! >= L[i]![j + 1]!) removed.push(x[i++]!);
    else added.push(y[j++]!);
  }
  removed.push(...x.slice(i));
  added.push(...y.slice(j));
  return { removed, added };
}

/** Comment lines (whole-line comments and trailing `# …`) of a YAML text. */
export function commentLines(text: string): string[] {
  return text.split('\n').filter((l) => /(^|\s)#\s/.test(l));
}

/** Loads text as the file `file` and validates the plan; returns the problems (empty when fine). */
export function loadProblems(kernel: Kernel, text: string, file: string): string[] {
  try {
    const loaded = parseExperiment(text, file);
    return kernel.validate(loaded.plan).map((i) => `${i.stepId ?? ''}: ${i.message}`);
  } catch (err) {
    return [(err as Error).message];
  }
}

