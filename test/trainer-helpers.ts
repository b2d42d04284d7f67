/** Helpers for test/trainer.test.ts: run `python -m sgr_lora`, read its events, parse safetensors. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

/** The interpreter with torch: $SGR_PYTHON, else Debian's /usr/bin/python3 (pyenv's python3 has no torch). */
export const PYTHON = process.env.SGR_PYTHON ?? '/usr/bin/python3';
const SDK = join(ROOT, 'sdk', 'python');

/** null when torch imports, else the reason it does not. */
export function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} cannot be run (${r.error.message})`;
  return r.status === 0 ? null : `${PYTHON} cannot import torch/numpy: ${r.stderr.trim().split('\n').pop() ?? ''}`;
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface TrainerEvent {
  type: string;
  name?: string;
  value?: unknown;
  step?: number;
  path?: string;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: SDK, PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

/** Runs the trainer to completion. */
export function trainer(args: string[], extraEnv: Record<string, string> = {}): Run {
  const r = spawnSync(PYTHON, ['-m', 'sgr_lora', ...args], { env: env(extraEnv), encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a Python snippet with sgr_lora importable; extra args land in sys.argv[1:]. */
export function python(code: string, ...args: string[]): Run {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { env: env({}), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the trainer; `onTick` is polled every 10 ms and may signal the child. */
export function trainerAsync(args: string[], extraEnv: Record<string, string>, onTick: (kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-m', 'sgr_lora', ...args], { env: env(extraEnv) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setInterval(() => onTick((s) => child.kill(s)), 10);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearInterval(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

export function readEvents(path: string): TrainerEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TrainerEvent);
}

/** The last value of each output event. */
export function outputs(events: TrainerEvent[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of events) if (e.type === 'output' && e.name) out[e.name] = e.value;
  return out;
}

export function metricSeries(events: TrainerEvent[], name: string): { step: number | undefined; value: number }[] {
  return events.filter((e) => e.type === 'metric' && e.name === name).map((e) => ({ step: e.step, value: e.value as number }));
}

export interface TensorInfo {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface Safetensors {
  headerLength: number;
  headerText: string;
  tensors: Record<string, TensorInfo>;
  metadata: Record<string, string>;
  buffer: Buffer;
}

/** Parses a safetensors file strictly by the spec; throws on any violation. */
export function parseSafetensors(file: string): Safetensors {
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (headerLength % 8 !== 0) throw new Error(`header length ${headerLength} is not a multiple of 8`);
  const headerText = bytes.subarray(8, 8 + headerLength).toString('utf8');
  if (!headerText.startsWith('{')) throw new Error('header does not start with {');
  if (!/^[^]*\} *$/.test(headerText)) throw new Error('header is not padded with spaces only');
  const raw = JSON.parse(headerText) as Record<string, unknown>;
  const metadata = (raw.__metadata__ ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new Error(`metadata ${k} is not a string`);
  delete raw.__metadata__;
  const tensors = raw as Record<string, TensorInfo>;
  const buffer = bytes.subarray(8 + headerLength);
  const spans = Object.entries(tensors)
    .map(([name, t]) => ({ name, ...t }))
    .sort((a, b) => a.data_offsets[0] - b.data_offsets[0]);
  let pos = 0;
  for (const t of spans) {
    const size = { F32: 4, F64: 8, I64: 8 }[t.dtype];
    if (size === undefined) throw new Error(`${t.name}: unexpected dtype ${t.dtype}`);
    const [begin, end] = t.data_offsets;
    if (begin !== pos) throw new Error(`${t.name}: begins at ${begin}, expected ${pos} (holes or overlap)`);
    if (begin % size !== 0) throw new Error(`${t.name}: not aligned to ${size} bytes`);
    if (end - begin !== t.shape.reduce((a, b) => a * b, 1) * size) throw new Error(`${t.name}: offsets do not match shape`);
    pos = end;
  }
  if (pos !== buffer.length) throw new Error(`buffer is ${buffer.length} bytes, tensors cover ${pos}`);
  return { headerLength, headerText, tensors, metadata, buffer };
}

/** The values of an F32 tensor. */
export function f32(st: Safetensors, name: string): Float32Array {
  const t = st.tensors[name];
  if (!t || t.dtype !== 'F32') throw new Error(`no F32 tensor ${name}`);
  const [begin, end] = t.data_offsets;
  const copy = Buffer.from(st.buffer.subarray(begin, end));
  return new Float32Array(copy.buffer, copy.byteOffset, (end - begin) / 4);
}
