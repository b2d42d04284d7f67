/**
 * Experiment files for the editor: the shipped examples, reading a file, and saving one
 * atomically (a crash mid-save never leaves half a file). Only `.yaml`/`.yml` names are
 * read or written, so the editor cannot be used to read or overwrite arbitrary files.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { KernelError } from '../api/errors';

/** Same cap as the contract's text limit: an experiment file is small. */
export const MAX_EXPERIMENT_BYTES = 8 * 1024 * 1024;

/**
 * The repository (or installed package) root: the nearest folder up from this module (or
 * the bundle) with package.json, as `sgr serve` finds its UI; the working directory when
 * there is none (a CommonJS bundle has no import.meta.url).
 */
export function repoRoot(): string {
  let dir: string;
  try {
    dir = dirname(fileURLToPath(import.meta.url));
  } catch {
    // The Electron main bundle is CommonJS: there the module's folder is __dirname.
    if (typeof __dirname !== 'string') return process.cwd();
    dir = __dirname;
  }
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function requireYamlName(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml') {
    throw new KernelError('BAD_INPUT', `${path}: not an experiment file — the name must end in .yaml or .yml`);
  }
  return resolve(path);
}

export interface ExampleInfo {
  name: string;
  path: string;
  description: string | null;
}

/**
 * `examples/*.yaml` and `examples/<dir>/experiment.yaml`, with the name and description
 * their YAML declares (the file name when it declares none).
 * @example listExamples().map((e) => e.name) // ['curriculum-demo', 'fanout-demo', …]
 */
export function listExamples(root: string = repoRoot()): ExampleInfo[] {
  const dir = join(root, 'examples');
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) files.push(join(dir, entry.name));
    else if (entry.isDirectory()) {
      const f = join(dir, entry.name, 'experiment.yaml');
      if (existsSync(f)) files.push(f);
    }
  }
  return files.sort().map((path) => {
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch {
      doc = null;
    }
    const d = (doc ?? {}) as { name?: unknown; description?: unknown };
    const fallback = basename(path) === 'experiment.yaml' ? basename(dirname(path)) : basename(path).replace(/\.ya?ml$/i, '');
    return {
      name: typeof d.name === 'string' ? d.name : fallback,
      path,
      description: typeof d.description === 'string' ? d.description.trim() : null,
    };
  });
}

/** @example readExperimentFile('examples/fanout/experiment.yaml').text.startsWith('#') */
export function readExperimentFile(path: string): { path: string; text: string } {
  const abs = requireYamlName(path);
  let size: number;
  try {
    const st = statSync(abs);
    if (st.isDirectory()) throw new KernelError('BAD_INPUT', `${abs} is a directory, not an experiment file`);
    size = st.size;
  } catch (err) {
    if (err instanceof KernelError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KernelError('NOT_FOUND', `no such file: ${abs}`);
    throw new KernelError('BAD_INPUT', `cannot read ${abs}: ${code ?? (err as Error).message}`);
  }
  if (size > MAX_EXPERIMENT_BYTES) throw new KernelError('BAD_INPUT', `${abs} is ${size} bytes; experiment files are limited to ${MAX_EXPERIMENT_BYTES} bytes`);
  try {
    return { path: abs, text: readFileSync(abs, 'utf8') };
  } catch (err) {
    throw new KernelError('BAD_INPUT', `cannot read ${abs}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Writes through a temp file in the same directory, then renames it over the target: readers
 * see the old file or the new one, never a torn one.
 * @example saveExperimentFile('/tmp/x.yaml', 'name: x\n') // { path: '/tmp/x.yaml', bytes: 8 }
 */
export function saveExperimentFile(path: string, text: string): { path: string; bytes: number } {
  const abs = requireYamlName(path);
  const dir = dirname(abs);
  if (!existsSync(dir)) throw new KernelError('BAD_INPUT', `cannot save ${abs}: the folder ${dir} does not exist`);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new KernelError('BAD_INPUT', `${abs} is a directory, not an experiment file`);
  const data = Buffer.from(text, 'utf8');
  const tmp = join(dir, `.${basename(abs)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { flush: true });
    renameSync(tmp, abs);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written, or it is already gone.
    }
    throw new KernelError('BAD_INPUT', `cannot save ${abs}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { path: abs, bytes: data.length };
}
