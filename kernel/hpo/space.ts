/**
 * HPO search spaces: the four parameter kinds, their YAML form (zod), and the seeded PRNG
 * every sampler draws from. Pure TypeScript (no node:*), so the renderer may import it.
 */
import { z } from 'zod';

export type Value = number | string | boolean;
export type Params = Record<string, Value>;
export type Dist =
  | { type: 'uniform'; low: number; high: number }
  | { type: 'loguniform'; low: number; high: number }
  | { type: 'int'; low: number; high: number }
  | { type: 'choice'; values: readonly Value[] };
/** Parameter name → distribution; key order is the sampling order. */
export type Space = Record<string, Dist>;
export type Direction = 'minimize' | 'maximize';

/** What every sampler offers: `ask()` the next params, `tell()` their objective value. */
export interface Sampler {
  ask(): Params | undefined;
  tell(params: Params, value: number): void;
}

const valueSchema = z.union([z.number(), z.string(), z.boolean()]);
const bounds = { low: z.number(), high: z.number() };

/** The YAML form of one parameter, e.g. `{ type: loguniform, low: 1e-5, high: 1e-1 }`. */
export const distSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('uniform'), ...bounds }).strict(),
    z.object({ type: z.literal('loguniform'), ...bounds }).strict(),
    z.object({ type: z.literal('int'), ...bounds }).strict(),
    z.object({ type: z.literal('choice'), values: z.array(valueSchema) }).strict(),
  ])
  .superRefine((d, ctx) => {
    if (d.type === 'choice') {
      if (d.values.length === 0) ctx.addIssue({ code: 'custom', message: 'choice needs at least one value', path: ['values'] });
      else if (new Set(d.values).size !== d.values.length) ctx.addIssue({ code: 'custom', message: 'choice values must be distinct', path: ['values'] });
      return;
    }
    if (!(d.low < d.high) && !(d.type === 'int' && d.low === d.high)) ctx.addIssue({ code: 'custom', message: `${d.type}: low (${d.low}) must be below high (${d.high})`, path: ['high'] });
    if (d.type === 'loguniform' && !(d.low > 0)) ctx.addIssue({ code: 'custom', message: `loguniform: low must be > 0 (got ${d.low})`, path: ['low'] });
    if (d.type === 'int' && !(Number.isInteger(d.low) && Number.isInteger(d.high))) ctx.addIssue({ code: 'custom', message: `int: low and high must be integers (got ${d.low}, ${d.high})`, path: ['low'] });
  });
export const spaceSchema = z.record(z.string().min(1), distSchema);

/** Validates a raw (YAML-parsed) space; throws one Error listing every problem with its path. */
export function parseSpace(raw: unknown): Space {
  const r = spaceSchema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(space)'}: ${i.message}`);
  throw new Error(`invalid search space:\n  ${lines.join('\n  ')}`);
}

function checked(d: Dist): Dist {
  const r = distSchema.safeParse(d);
  if (!r.success) throw new Error(r.error.issues.map((i) => i.message).join('; '));
  return d;
}
/** `uniform(0, 1)`: a real in [low, high). */
export const uniform = (low: number, high: number): Dist => checked({ type: 'uniform', low, high });
/** `logUniform(1e-5, 1e-1)`: a real whose log is uniform — learning rates, weight decay. */
export const logUniform = (low: number, high: number): Dist => checked({ type: 'loguniform', low, high });
/** `int(1, 8)`: an integer in [low, high], both inclusive. */
export const int = (low: number, high: number): Dist => checked({ type: 'int', low, high });
/** `choice(['adam', 'sgd'])`: one of the values. */
export const choice = (values: readonly Value[]): Dist => checked({ type: 'choice', values });

/** Seeded PRNG (mulberry32): samplers never use Math.random, so a seed replays a study. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.min(n - 1, Math.floor(this.next() * n));
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** Index drawn with probability proportional to `weights`. */
  pick(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }
}

/** One draw from the prior of `d` (uniform in its own scale). */
export function sampleDist(d: Dist, rng: Rng): Value {
  switch (d.type) {
    case 'uniform':
      return d.low + rng.next() * (d.high - d.low);
    case 'loguniform':
      return Math.min(d.high, Math.exp(Math.log(d.low) + rng.next() * (Math.log(d.high) - Math.log(d.low))));
    case 'int':
      return d.low + rng.below(d.high - d.low + 1);
    case 'choice':
      return d.values[rng.below(d.values.length)]!;
  }
}

/** True if `v` is a value `d` can produce. */
export function inDist(d: Dist, v: Value): boolean {
  if (d.type === 'choice') return d.values.includes(v);
  if (typeof v !== 'number' || v < d.low || v > d.high) return false;
  return d.type !== 'int' || Number.isInteger(v);
}
