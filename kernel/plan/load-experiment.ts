/**
 * Loads `experiment.yaml` (format version 1) into a Plan. Every problem in the file is
 * reported at once with file:line:col, so a user fixes them in one pass instead of one
 * per run. Semantic checks (references, cycles, skills) happen later in the plan
 * validator, which points back into the file through `locate`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import type { Plan } from '../common/plan';
import { experimentSchema, REQUIRED_HINTS, showValue, stepIdProblem, toPlan, toPlanStep, unknownKeyHint, type ExperimentInput, type StepInput } from './experiment-schema';
import { expandSweeps, type Expansion, type TrialInfo } from './expand';
import type { ExpandProblem } from './template';

/** A place in the experiment file; line and col are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One problem in the file. `path` is dotted from the top ('steps.train.retry.max'), '' for the file itself. */
export interface ExperimentProblem extends SourcePos {
  path: string;
  message: string;
  hint?: string;
}

/**
 * Thrown with every problem found; `message` holds them formatted, one per line.
 * @example try { loadExperiment('x.yaml') } catch (e) { if (e instanceof ExperimentError) console.error(e.message) }
 */
export class ExperimentError extends Error {
  override readonly name = 'ExperimentError';
  readonly problems: ExperimentProblem[];
  constructor(problems: ExperimentProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

export interface LoadedExperiment {
  plan: Plan;
  /** Absolute path of the file. */
  file: string;
  /** The raw text (hashed into the run record by the caller). */
  text: string;
  /** The experiment's own description, when it has one. */
  description?: string;
  /** Step id → description, for steps that have one (sweep copies share their template's). */
  descriptions: Record<string, string>;
  /** The trials sweeps expanded into (empty without sweeps). */
  trials: TrialInfo[];
  /** Expanded step id → data path of the definition it was copied from (`['sweeps', 'rank', 'steps', 'train']`); fixed steps are absent. */
  origins: Record<string, ReadonlyArray<string | number>>;
  /**
   * Position of a step field for semantic errors found later. field is dotted relative to the
   * step: 'skill', 'params.command', 'inputs.data', 'deps.0', 'retry.max'; with stepId null it is
   * relative to the top. Falls back to the nearest existing ancestor node, then the step key,
   * then the file start.
   * @example loaded.locate('square', 'inputs.numbers') // { file, line: 19, col: 16 }
   */
  locate(stepId: string | null, field: string): SourcePos;
}

/**
 * Formats a problem as `file:line:col: path: message`, plus an indented hint line.
 * @example formatProblem(p) // 'experiment.yaml:12:7: steps.train.retry.max: expected a whole number ≥ 0, got "three"'
 */
export function formatProblem(p: ExperimentProblem): string {
  const head = `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/**
 * Reads and parses an experiment file. Problems name the file as given; `file` is absolute.
 * @example const { plan } = loadExperiment('examples/fanout/experiment.yaml')
 */
export function loadExperiment(file: string): LoadedExperiment {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new ExperimentError([{ file, line: 1, col: 1, path: '', message: `cannot read ${resolve(file)}: ${why}` }]);
  }
  return parseExperiment(text, file);
}

/**
 * Parses experiment text; `file` names it in problems and sets the plan's baseDir.
 * @example parseExperiment('name: x\nsteps:\n  a: { skill: noop }\n', 'experiment.yaml').plan.steps[0].id // 'a'
 */
export function parseExperiment(text: string, file: string): LoadedExperiment {
  const lineCounter = new LineCounter();
  // merge: anchors with `<<: *common` are a cheap way to share settings between steps.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const src = new SourceMap(doc, lineCounter, file);
  const problems = doc.errors.map((e) => src.yamlProblem(e.code, e.pos[0], e.message, text));
  // After a syntax error the tree is a guess; schema messages about it would mislead.
  const syntaxOk = doc.errors.every((e) => e.code === 'DUPLICATE_KEY');
  let data: ExperimentInput | undefined;
  if (syntaxOk && doc.contents === null) {
    problems.push({ ...src.start, path: '', message: 'the file is empty', hint: 'an experiment needs at least: name: my-experiment, and steps: { hello: { skill: noop } }' });
  } else if (syntaxOk) {
    let raw: unknown;
    try {
      raw = doc.toJS();
    } catch (err) {
      // Unknown aliases and alias bombs surface only here.
      problems.push({ ...src.badAliasPos(), path: '', message: (err as Error).message });
    }
    if (raw !== undefined) {
      const parsed = experimentSchema.safeParse(raw, { reportInput: true });
      if (parsed.success) data = parsed.data;
      else for (const issue of parsed.error.issues) problems.push(...src.issueProblems(issue, raw));
      problems.push(...src.stepIdProblems());
    }
  }
  let expansion: Expansion = { steps: [], origins: {}, trials: [] };
  if (data) {
    const found: ExpandProblem[] = [];
    const defaults = data.defaults;
    expansion = expandSweeps(data.sweeps ?? {}, { toStep: (id, raw) => toPlanStep(id, raw as StepInput, defaults) }, found);
    found.push(...collisions(data, expansion));
    problems.push(...dedupe(found).map((p) => src.at(p.path, p.message, p.hint)));
  }
  if (problems.length > 0 || !data) throw new ExperimentError(problems.sort((a, b) => a.line - b.line || a.col - b.col));
  const abs = resolve(file);
  return {
    plan: toPlan(data, dirname(abs), expansion.steps),
    file: abs,
    text,
    ...(data.description !== undefined && { description: data.description }),
    descriptions: descriptionsOf(data, expansion),
    trials: expansion.trials,
    origins: expansion.origins,
    locate: (stepId, field) => src.locate(stepId, field, stepId === null ? undefined : expansion.origins[stepId]),
  };
}

function descriptionsOf(data: ExperimentInput, expansion: Expansion): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, step] of Object.entries(data.steps ?? {})) if (step.description !== undefined) out[id] = step.description;
  for (const [id, origin] of Object.entries(expansion.origins)) {
    const [, sweep, kind, templateId] = origin as string[];
    const d = kind === 'steps' ? data.sweeps?.[sweep!]?.steps?.[templateId!]?.description : undefined;
    if (d !== undefined) out[id] = d;
  }
  return out;
}

/** Expanded ids that clash with fixed steps, other copies, or the 128-character limit. */
function collisions(data: ExperimentInput, expansion: Expansion): ExpandProblem[] {
  const seen = new Map<string, (string | number)[]>(Object.keys(data.steps ?? {}).map((id) => [id, ['steps', id]]));
  const out: ExpandProblem[] = [];
  for (const step of expansion.steps) {
    const origin = expansion.origins[step.id]!;
    const other = seen.get(step.id);
    if (other) out.push({ path: origin, message: `the sweep creates step "${step.id}", which already exists (${other.join('.')})`, hint: 'rename the sweep or the step' });
    else if (step.id.length > 128) out.push({ path: origin, message: `the sweep creates step id "${step.id.slice(0, 40)}…" longer than 128 characters`, hint: 'use shorter sweep, stage or step names' });
    seen.set(step.id, origin);
  }
  return out;
}

/** A template problem repeats once per trial; report it once. */
function dedupe(problems: ExpandProblem[]): ExpandProblem[] {
  const keys = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path.join('.')}\0${p.message}`;
    if (keys.has(k)) return false;
    keys.add(k);
    return true;
  });
}

type Seg = string | number;
/** One step down the tree: the pair's key (null inside a list) and its value. */
type Hop = { key: YamlNode | null; value: YamlNode | null };

const INDENT_HINT = 'check the indentation, and quote values that contain ": "';
const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
  MULTIPLE_DOCS: 'an experiment file holds one YAML document; remove the second "---"',
  BLOCK_AS_IMPLICIT_KEY: INDENT_HINT,
  MULTILINE_IMPLICIT_KEY: INDENT_HINT,
  MISSING_CHAR: 'a quote or bracket is not closed',
};

/** Maps paths in the parsed data back to positions in the text. */
class SourceMap {
  readonly start: SourcePos;
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {
    this.start = { file, line: 1, col: 1 };
  }

  /** A problem at a data path (for expansion problems). */
  at(path: readonly Seg[], message: string, hint?: string): ExperimentProblem {
    return this.problem([...path], false, message, hint);
  }

  locate(stepId: string | null, field: string, origin?: readonly Seg[]): SourcePos {
    const base = stepId === null ? [] : origin ? [...origin] : ['steps', stepId];
    const hops = this.walk([...base, ...(field === '' ? [] : field.split('.'))]);
    if (hops.length > base.length) return this.valuePos(hops[hops.length - 1]!);
    // Nothing inside the step was found: its key, or the file start when the step is absent too.
    return base.length > 0 && hops.length === base.length ? this.keyPos(hops[base.length - 1]!) : this.start;
  }

  yamlProblem(code: string, offset: number, message: string, text: string): ExperimentProblem {
    const at = this.pos(offset);
    if (code === 'DUPLICATE_KEY') {
      const { path, at: keyAt } = this.duplicateKeyAt(offset);
      const stepKey = path.length === 2 && path[0] === 'steps';
      const hint = stepKey ? 'step ids must be unique; rename one of the steps' : 'a key may appear only once in a map';
      return { ...this.pos(keyAt), path: path.join('.'), message: `duplicate key ${JSON.stringify(path[path.length - 1] ?? '')}`, hint };
    }
    const line = text.split('\n')[at.line - 1] ?? '';
    // Unquoted `${...}` inside `{ }` or `[ ]` breaks flow syntax; it is the most likely cause.
    const hint = line.includes('${') ? 'quote references inside { } or [ ], e.g. { data: "${steps.prepare.outputs.data}" }' : YAML_HINTS[code];
    return { ...at, path: '', message: `YAML syntax: ${message}`, ...(hint && { hint }) };
  }

  issueProblems(issue: z.core.$ZodIssue, raw: unknown): ExperimentProblem[] {
    const path = issue.path as Seg[];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => this.problem([...path, k], true, `unknown key "${k}"`, unknownKeyHint(path, k)));
    }
    if (isMissing(raw, path)) {
      const key = String(path[path.length - 1]);
      return [this.problem(path.slice(0, -1), false, `missing required key "${key}"`, REQUIRED_HINTS[key])];
    }
    if (issue.code === 'custom') return [this.problem(path, false, issue.message, issue.params?.hint as string | undefined)];
    return [this.problem(path, false, 'input' in issue ? `${issue.message}, got ${showValue(issue.input)}` : issue.message)];
  }

  /** Step ids are map keys, so their problems point at the key, not the step body. */
  stepIdProblems(): ExperimentProblem[] {
    const sweeps = this.deref(this.walk(['sweeps'])[0]?.value);
    const templates = isMap(sweeps) ? sweeps.items.map((pair) => ['sweeps', keyText(pair.key), 'steps']) : [];
    return [['steps'], ...templates].flatMap((at) => {
      const hops = this.walk(at);
      const steps = hops.length === at.length ? this.deref(hops[hops.length - 1]!.value) : undefined;
      if (!isMap(steps)) return [];
      return steps.items.flatMap((pair) => {
        const id = keyText(pair.key);
        const why = stepIdProblem(id);
        return why ? [this.problem([...at, id], true, `invalid step id ${JSON.stringify(id)}`, why)] : [];
      });
    });
  }

  /** Where toJS failed: the first alias without an anchor, else the file start. */
  badAliasPos(): SourcePos {
    let at = this.start;
    visit(this.doc, {
      Alias: (_, alias) => {
        if (alias.resolve(this.doc) !== undefined || !alias.range) return undefined;
        at = this.pos(alias.range[0]);
        return visit.BREAK;
      },
    });
    return at;
  }

  private problem(path: Seg[], atKey: boolean, message: string, hint?: string): ExperimentProblem {
    const hops = this.walk(path);
    const last = hops[hops.length - 1];
    const at = !last ? this.rootPos() : atKey && hops.length === path.length ? this.keyPos(last) : this.valuePos(last);
    return { ...at, path: path.join('.'), message, ...(hint && { hint }) };
  }

  /** The pairs matched along `path`, stopping at the first segment that is not there. */
  private walk(path: readonly Seg[]): Hop[] {
    const hops: Hop[] = [];
    let node = this.deref(this.doc.contents);
    for (const seg of path) {
      let hop: Hop | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (pair) hop = { key: pair.key as YamlNode, value: pair.value as YamlNode | null };
      } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
        const item = node.items[Number(seg)];
        if (item !== undefined) hop = { key: null, value: item as YamlNode };
      }
      if (!hop) break;
      hops.push(hop);
      node = this.deref(hop.value);
    }
    return hops;
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** The value's position; for an empty value (`key:` with nothing after it) the key's. */
  private valuePos(hop: Hop): SourcePos {
    const r = hop.value?.range;
    if (r && r[1] > r[0]) return this.pos(r[0]);
    const k = hop.key?.range;
    return k ? this.pos(k[0]) : r ? this.pos(r[0]) : this.start;
  }

  private keyPos(hop: Hop): SourcePos {
    const k = hop.key?.range;
    return k ? this.pos(k[0]) : this.valuePos(hop);
  }

  private rootPos(): SourcePos {
    const r = (this.doc.contents as YamlNode | null)?.range;
    return r ? this.pos(r[0]) : this.start;
  }

  private pos(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /**
   * The duplicate key at `offset`: yaml reports the end of the previous value's props there,
   * which can be the line before the key, so take the first key starting at or after it.
   */
  private duplicateKeyAt(offset: number): { path: string[]; at: number } {
    let best = { path: [] as string[], at: offset };
    let bestStart = Infinity;
    visit(this.doc, {
      Pair: (_, pair, ancestors) => {
        const start = (pair.key as YamlNode | null)?.range?.[0];
        if (start === undefined || start < offset || start >= bestStart) return;
        bestStart = start;
        const up = ancestors.flatMap((a, i) => (isPair(a) ? [keyText(a.key)] : isSeq(a) ? [String(a.items.indexOf(ancestors[i + 1] as never))] : []));
        best = { path: [...up, keyText(pair.key)], at: start };
      },
    });
    return best;
  }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** True when the last key of `path` is absent from its (present) parent map in the data. */
function isMissing(raw: unknown, path: readonly Seg[]): boolean {
  if (path.length === 0) return false;
  let v: unknown = raw;
  for (const seg of path.slice(0, -1)) v = (v as Record<string, unknown> | undefined)?.[seg];
  return typeof v === 'object' && v !== null && !Object.hasOwn(v, path[path.length - 1]!);
}
