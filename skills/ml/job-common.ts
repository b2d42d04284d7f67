/** Pieces shared by the trainer job skills (train, eval, merge). */
import { z } from 'zod';
import { StepFailure } from '../../kernel/lifecycle/failure';
import type { ProtocolEvent } from '../../kernel/dispatch/types';

/** The config reaches the job as an env var; the launcher writes it to config.json first. */
export const CONFIG_ENV = 'SGR_CONFIG_JSON';
export const CONFIG_FILE = 'config.json';

const WRITE_CONFIG = `printf '%s' "$${CONFIG_ENV}" > ${CONFIG_FILE} || exit 1`;

/**
 * argv that writes config.json into the work directory, then execs `argv` (a job spec
 * carries no files, and a temp file elsewhere would escape the job's directory).
 * @example withConfigFile(['python3', '-m', 'sgr_lora', 'eval']) → ['/bin/sh', '-c', '…; exec "$@"', 'sgr-ml', 'python3', …]
 */
export function withConfigFile(argv: string[]): string[] {
  return ['/bin/sh', '-c', `${WRITE_CONFIG}\nexec "$@"`, 'sgr-ml', ...argv];
}

/** argv that writes config.json, then runs a rendered shell command. */
export function shellWithConfigFile(command: string): string[] {
  return ['/bin/sh', '-c', `${WRITE_CONFIG}\n${command}`];
}

export const configParam = z.record(z.string(), z.unknown(), 'config is the trainer config object, usually ${steps.<config step>.outputs.config}');

/** A hydrated artifact input of a job is a path relative to the work directory. */
export function inputPath(inputs: Record<string, unknown>, name: string, skill: string, required: true): string;
export function inputPath(inputs: Record<string, unknown>, name: string, skill: string, required: false): string | null;
export function inputPath(inputs: Record<string, unknown>, name: string, skill: string, required: boolean): string | null {
  const v = inputs[name];
  if (v === undefined || v === null) {
    if (required) throw new Error(`${skill} needs input "${name}" (an artifact, e.g. \${steps.data.outputs.train})`);
    return null;
  }
  if (typeof v !== 'string' || v === '') throw new Error(`input "${name}" must be an artifact (a file), got ${JSON.stringify(v)}`);
  return v;
}

/** Metric events as series: `{ train_loss: [[step, value], …] }`; a point without a step takes its index. */
export function curveOf(events: readonly ProtocolEvent[]): Record<string, Array<[number, number]>> {
  const curve: Record<string, Array<[number, number]>> = {};
  for (const e of events) {
    if (e.type !== 'metric') continue;
    const series = (curve[e.name] ??= []);
    series.push([e.step ?? series.length, e.value]);
  }
  return curve;
}

/** Output events by name (the last one of a name wins, as in jobOutputs). */
export function outputEvents(events: readonly ProtocolEvent[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of events) if (e.type === 'output') out[e.name] = e.value;
  return out;
}

export const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Collect runs outside the skill-exception guard: a bad job result must be a StepFailure. */
export function collectError(message: string): StepFailure {
  return new StepFailure('user_error', message);
}

export const curveSchema = z.record(z.string(), z.array(z.tuple([z.number(), z.number()])));

/**
 * The reference trainer ignores nothing silently: an input it would not use (a typo, or
 * `adapters` for an ensemble) fails the step instead of running something else.
 */
export function checkInputs(inputs: Record<string, unknown>, allowed: readonly string[], what: string): void {
  const extra = Object.keys(inputs).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw new Error(`${what} does not take input ${extra.map((k) => `"${k}"`).join(', ')} (its inputs: ${allowed.join(', ')})`);
  }
}
