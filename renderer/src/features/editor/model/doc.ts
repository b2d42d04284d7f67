/**
 * ExperimentDoc: the editor's operations on an `experiment.yaml`. The text is the source of
 * truth; every operation is a few minimal splices (./yaml-text.ts), so comments, key order and
 * formatting that an edit does not touch stay byte for byte, and the file keeps running with
 * `sgr run` unchanged.
 */
import { stringify, type Document } from 'yaml';
import { buildGraph, edgesOf, findStepRefs, resolveKey, stepLocs, STEP_REF, TOKEN, type StepLoc } from './graph';
import type { Connection, EditorGraph, ExperimentDocApi, Position } from './types';
import { EditorOpError, parseYaml, prependRootKey, renameKey, replaceMany, setIn, valueRanges, type Seg } from './yaml-text';

export { EditorOpError } from './yaml-text';

/** Mirrors the kernel's step id rule (kernel/common/plan.ts) and sweep name rule. */
const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const SWEEP_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const POSITIONS: Seg[] = ['metadata', 'editor', 'positions'];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Parsed {
  doc: Document.Parsed;
  data: Json;
  errors: EditorGraph['syntaxErrors'];
  locs: StepLoc[];
}

export class ExperimentDoc implements ExperimentDocApi {
  private text: string;
  private parsed: Parsed | null = null;
  /**
   * False after positions were moved by text alone (movePositions): `parsed.data` is current,
   * the Document's offsets are not, so the next structural edit parses again.
   */
  private fresh = true;
  /** Step key → offsets of its `[x, y]` in the text, kept current through moves. */
  private posIndex: Map<string, [number, number]> | null = null;

  private constructor(text: string) {
    this.text = text;
  }

  /**
   * Opens file text; `toString()` gives it back byte for byte until an edit.
   * @example ExperimentDoc.parse(readFileSync('experiment.yaml', 'utf8')).graph().steps.length
   */
  static parse(text: string): ExperimentDoc {
    return new ExperimentDoc(text);
  }

  /**
   * A new experiment with only a name (format version 2, so sweeps can be added).
   * @example ExperimentDoc.blank('my-experiment').toString() // 'version: 2\nname: my-experiment\n'
   */
  static blank(name: string): ExperimentDoc {
    if (name.trim() === '') throw new EditorOpError('name: an experiment needs a non-empty name');
    return new ExperimentDoc(stringify({ version: 2, name }));
  }

  toString(): string {
    return this.text;
  }

  graph(): EditorGraph {
    const p = this.parse();
    return buildGraph(p.data, p.errors);
  }

  addStep(skill: string, opts: { id?: string; sweep?: string; position?: Position; params?: Record<string, unknown> } = {}): string {
    if (skill.trim() === '') throw new EditorOpError('skill: a step needs a skill name');
    const sweep = opts.sweep ?? null;
    if (sweep !== null) this.sweepData(sweep);
    const taken = new Set(this.ok().locs.filter((l) => l.sweep === sweep).map((l) => l.id));
    let id = opts.id;
    if (id !== undefined) {
      checkId(id);
      if (taken.has(id)) throw new EditorOpError(`step id "${id}" is already used${sweep ? ` in the template of sweep "${sweep}"` : ''}`);
    } else {
      const base = skill.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^(?=[^A-Za-z_])/, '_').slice(0, 120);
      id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    }
    const step: Json = { skill, ...(opts.params && Object.keys(opts.params).length > 0 && { params: opts.params }) };
    const container: Seg[] = sweep ? ['sweeps', sweep, 'steps'] : ['steps'];
    const existing = this.at(container);
    if (isObj(existing) && Object.keys(existing).length === 0) this.edit(container, { [id]: step }, 2);
    else this.edit([...container, id], step, 1);
    const key = sweep ? `${sweep}.${id}` : id;
    if (opts.position) this.setPositions({ [key]: opts.position });
    return key;
  }

  removeStep(key: string): void {
    const loc = this.loc(key);
    // One edge at a time: removing a list entry shifts the indices of the ones after it.
    for (;;) {
      const e = edgesOf(this.ok().locs).find((x) => x.source === key && x.target !== key);
      if (!e) break;
      this.edit([...this.loc(e.target).path, ...this.segs(e.target, e.field)], undefined);
    }
    if (key in this.positions()) this.edit([...POSITIONS, key], undefined);
    this.edit(loc.path, undefined);
  }

  renameStep(key: string, newId: string): string {
    const loc = this.loc(key);
    checkId(newId);
    if (newId === loc.id) return key;
    const { locs } = this.ok();
    const newKey = loc.sweep ? `${loc.sweep}.${newId}` : newId;
    if (locs.some((l) => l.key === newKey)) throw new EditorOpError(`cannot rename "${key}" to "${newId}": a step "${newKey}" exists`);
    const keys = new Set(locs.map((l) => l.key));
    for (const e of edgesOf(locs).filter((x) => x.source === key)) {
      const target = this.loc(e.target);
      // A template with its own step named newId would capture the renamed reference.
      if (loc.sweep === null && target.sweep !== null && keys.has(`${target.sweep}.${newId}`)) {
        throw new EditorOpError(`cannot rename "${key}" to "${newId}": sweep "${target.sweep}" has a template step "${newId}", so ${target.key}'s reference would point at it`);
      }
    }
    const edits: Array<{ path: Seg[]; value: unknown }> = [];
    for (const e of edgesOf(locs).filter((x) => x.source === key)) {
      const target = this.loc(e.target);
      const at = [...target.path, ...this.segs(e.target, e.field)];
      const value = e.kind === 'dep' ? newId : rewriteRefs(String(this.at(at)), (scope, id) => resolveKey(target, id, scope, keys) === key, newId);
      // Two edges can share a field (a dep and a ref never do; two refs in one string do).
      if (!edits.some((x) => x.path.join('\0') === at.join('\0'))) edits.push({ path: at, value });
    }
    if (loc.sweep !== null) edits.push(...this.sweepRenames(loc.sweep, loc.id, newId));
    const renames = [{ path: loc.path, key: newId }, ...(key in this.positions() ? [{ path: [...POSITIONS, key], key: newKey }] : [])];
    // Every change is a scalar or a key: one pass over one parse, even with many references.
    const next = replaceMany(this.text, edits, renames, this.ok().doc);
    this.parsed = null;
    if (next !== null) this.text = next;
    else {
      for (const e of edits) this.edit(e.path, e.value);
      for (const r of renames) this.text = renameKey(this.text, r.path, r.key);
    }
    return newKey;
  }

  connect(source: string, target: string, how: Connection): void {
    const src = this.loc(source);
    const dst = this.loc(target);
    if (source === target) throw new EditorOpError(`cannot connect "${source}" to itself`);
    const writeId = this.idFrom(src, dst);
    if (this.reaches(target, source)) throw new EditorOpError(`connecting "${source}" → "${target}" would make a cycle: "${source}" already depends on "${target}"`);
    if (how.kind === 'dep') {
      const deps = Array.isArray(dst.raw.deps) ? dst.raw.deps : [];
      if (deps.includes(writeId)) return;
      if (dst.raw.deps === undefined) this.edit([...dst.path, 'deps'], [writeId]);
      else this.edit([...dst.path, 'deps', deps.length], writeId);
      return;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(how.output)) throw new EditorOpError(`${target}: output name "${how.output}" is not valid`);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(how.name)) throw new EditorOpError(`${target}.${how.into}: "${how.name}" is not a valid ${how.into === 'inputs' ? 'input' : 'parameter'} name`);
    this.edit([...dst.path, how.into, how.name], `\${steps.${writeId}.outputs.${how.output}}`);
  }

  disconnect(edgeId: string): void {
    const e = edgesOf(this.ok().locs).find((x) => x.id === edgeId);
    if (!e) throw new EditorOpError(`unknown connection "${edgeId}"`);
    const target = this.loc(e.target);
    const at = [...target.path, ...this.segs(e.target, e.field)];
    if (e.kind === 'ref') {
      const value = this.at(at);
      const whole = typeof value === 'string' && findStepRefs({ params: { v: value } }).every((r) => r.whole);
      if (!whole) throw new EditorOpError(`${e.target}: the reference to "${e.source}" is part of the text of ${e.field}; edit that text to remove it`);
    }
    this.edit(at, undefined);
  }

  setParam(key: string, path: string, value: unknown): void {
    this.setField(key, path === '' ? 'params' : `params.${path}`, value);
  }

  setField(key: string, path: string, value: unknown): void {
    const loc = this.loc(key);
    if (path === 'skill' && (typeof value !== 'string' || value.trim() === '')) throw new EditorOpError(`${key}.skill: a step needs a skill name`);
    this.edit([...loc.path, ...this.segs(key, path)], value);
  }

  addSweep(name: string, spec: Record<string, unknown>): void {
    if (!SWEEP_NAME.test(name)) throw new EditorOpError(`invalid sweep name "${name}": it starts with a letter or _ and holds up to 32 letters, digits or _`);
    if (isObj(this.ok().data.sweeps) && name in (this.ok().data.sweeps as Json)) throw new EditorOpError(`sweep "${name}" already exists`);
    this.ensureVersion2();
    this.edit(['sweeps', name], { ...spec, steps: spec.steps ?? {} }, 1);
  }

  setSweepSpec(name: string, spec: Record<string, unknown>): void {
    const current = this.sweepData(name);
    for (const k of Object.keys(current)) if (k !== 'steps' && !(k in spec)) this.edit(['sweeps', name, k], undefined);
    for (const [k, v] of Object.entries(spec)) {
      if (k !== 'steps' && JSON.stringify(current[k]) !== JSON.stringify(v)) this.edit(['sweeps', name, k], v);
    }
  }

  removeSweep(name: string): void {
    this.sweepData(name);
    const positions = this.positions();
    for (const l of this.ok().locs) if (l.sweep === name && l.key in positions) this.edit([...POSITIONS, l.key], undefined);
    const count = Object.keys(this.ok().data.sweeps as Json).length;
    this.edit(count === 1 ? ['sweeps'] : ['sweeps', name], undefined);
  }

  setMeta(field: 'name' | 'description' | 'concurrency', value: unknown): void {
    if (field === 'name' && (typeof value !== 'string' || value.trim() === '')) throw new EditorOpError('name: an experiment needs a non-empty name');
    if (field === 'concurrency' && value !== undefined && !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 1024)) {
      throw new EditorOpError(`concurrency: expected a whole number 1–1024, got ${JSON.stringify(value)}`);
    }
    this.ok();
    this.edit([field], value);
  }

  setPositions(positions: Record<string, Position>): void {
    const current = this.positions();
    const rounded = Object.entries(positions).map(([k, p]) => [k, [Math.round(p.x), Math.round(p.y)]] as const);
    const changed = rounded.filter(([k, v]) => !current[k] || current[k]![0] !== v[0] || current[k]![1] !== v[1]);
    if (changed.length === 0) return;
    const existing = changed.filter(([k]) => k in current);
    const added = changed.filter(([k]) => !(k in current));
    if (existing.length > 0 && !this.movePositions(existing)) {
      const next = replaceMany(this.text, existing.map(([k, v]) => ({ path: [...POSITIONS, k], value: v })), [], this.ok().doc);
      if (next === null) return this.edit(POSITIONS, { ...current, ...Object.fromEntries(changed) }, 1);
      this.text = next;
      this.parsed = null;
    }
    // A few new entries are appended line by line; many at once (a first layout) in one write.
    if (added.length > 8 || Object.keys(current).length === 0) this.edit(POSITIONS, { ...this.positions(), ...Object.fromEntries(added) }, 1);
    else for (const [k, v] of added) this.edit([...POSITIONS, k], v);
  }

  // ---- internals ----

  private parse(): Parsed {
    if (!this.parsed) {
      const doc = parseYaml(this.text);
      const errors = doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? 1, col: e.linePos?.[0]?.col ?? 1, message: e.message.split('\n')[0]! }));
      let data: unknown = {};
      try {
        data = doc.toJS({ maxAliasCount: 10_000 });
      } catch {
        data = {};
      }
      const d = isObj(data) ? data : {};
      this.parsed = { doc, data: d, errors, locs: stepLocs(d) };
      this.fresh = true;
      this.posIndex = null;
    }
    return this.parsed;
  }

  /** The parse, refusing edits of a file with syntax errors (its tree is only a guess). */
  private ok(): Parsed {
    if (!this.fresh) this.parsed = null;
    const p = this.parse();
    const e = p.errors[0];
    if (e) throw new EditorOpError(`the file has a YAML syntax error at line ${e.line}, column ${e.col} (${e.message}); fix it in the text first`);
    return p;
  }

  private edit(path: readonly Seg[], value: unknown, blockLevels = 0): void {
    const { doc } = this.ok();
    // Parsing dominates the cost of an edit on a big file: reuse the cached parse (the edit changes it, so it is dropped).
    this.parsed = null;
    this.text = setIn(this.text, path, value, blockLevels, doc);
  }

  private loc(key: string): StepLoc {
    const locs = this.ok().locs;
    const l = locs.find((x) => x.key === key);
    if (!l) throw new EditorOpError(`unknown step "${key}"${locs.length ? ` (steps: ${locs.slice(0, 12).map((x) => x.key).join(', ')}${locs.length > 12 ? ', …' : ''})` : ''}`);
    return l;
  }

  private at(path: readonly Seg[]): unknown {
    return getPath(this.ok().data, path);
  }

  /** A dotted field of a step as path segments; list indices become numbers. */
  private segs(key: string, field: string): Seg[] {
    if (field === '') throw new EditorOpError(`${key}: empty field path`);
    let v: unknown = this.loc(key).raw;
    return field.split('.').map((s) => {
      if (s === '') throw new EditorOpError(`${key}: bad field path "${field}"`);
      const seg: Seg = Array.isArray(v) && /^\d+$/.test(s) ? Number(s) : s;
      v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
      return seg;
    });
  }

  private sweepData(name: string): Json {
    const sw = isObj(this.ok().data.sweeps) ? (this.ok().data.sweeps as Json)[name] : undefined;
    if (!isObj(sw)) throw new EditorOpError(`unknown sweep "${name}"`);
    return sw;
  }

  /**
   * Moves existing positions by rewriting their `[x, y]` text and the cached data, without
   * parsing the file again: a drop on a 1,000-step canvas costs a few string splices instead
   * of a full YAML parse. Returns false (nothing changed) when a value is not a plain `[x, y]`.
   */
  private movePositions(entries: ReadonlyArray<readonly [string, readonly [number, number]]>): boolean {
    const p = this.parse();
    if (p.errors.length > 0) return false;
    if (!this.posIndex) {
      if (!this.fresh) return false;
      this.posIndex = valueRanges(p.doc, this.text, POSITIONS);
      if (!this.posIndex) return false;
    }
    const idx = this.posIndex;
    const edits = entries.map(([k, v]) => ({ k, r: idx.get(k), out: `[${v[0]}, ${v[1]}]`, v }));
    if (edits.some((e) => !e.r || !/^\[\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*\]$/.test(this.text.slice(e.r[0], e.r[1])))) return false;
    edits.sort((a, b) => b.r![0] - a.r![0]);
    const store = (((p.data.metadata as Json).editor as Json).positions as Json);
    for (const e of edits) {
      const [start, end] = e.r!;
      this.text = this.text.slice(0, start) + e.out + this.text.slice(end);
      const delta = e.out.length - (end - start);
      for (const [k, r] of idx) if (r[0] > start) idx.set(k, [r[0] + delta, r[1] + delta]);
      idx.set(e.k, [start, start + e.out.length]);
      store[e.k] = [e.v[0], e.v[1]];
    }
    this.fresh = false;
    return true;
  }

  private positions(): Record<string, [number, number]> {
    // The cached data, which movePositions keeps current: no parse just to read positions.
    const p = getPath(this.parse().data, POSITIONS);
    return isObj(p) ? (p as Record<string, [number, number]>) : {};
  }

  private ensureVersion2(): void {
    const v = this.ok().data.version;
    if (v === 2) return;
    this.text = v === undefined ? prependRootKey(this.text, 'version', 2) : setIn(this.text, ['version'], 2);
    this.parsed = null;
  }

  /** The id that, written in `dst`, refers to `src`. */
  private idFrom(src: StepLoc, dst: StepLoc): string {
    if (src.sweep !== null && src.sweep !== dst.sweep) {
      throw new EditorOpError(`"${dst.key}" cannot use "${src.key}": a step of sweep "${src.sweep}"'s template is only visible inside that template (use the sweep's select step's outputs instead)`);
    }
    if (src.sweep === null && dst.sweep !== null && this.ok().locs.some((l) => l.key === `${dst.sweep}.${src.id}`)) {
      throw new EditorOpError(`"${dst.key}" cannot refer to top-level "${src.key}": its template has its own step "${src.id}"; rename one of them`);
    }
    return src.id;
  }

  private reaches(from: string, to: string): boolean {
    const out = new Map<string, string[]>();
    for (const e of edgesOf(this.ok().locs)) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const k = stack.pop()!;
      if (k === to) return true;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...(out.get(k) ?? []));
    }
    return false;
  }

  /** A template step renamed: the sweep's objective and pruner name it too. */
  private sweepRenames(sweep: string, oldId: string, newId: string): Array<{ path: Seg[]; value: unknown }> {
    const out: Array<{ path: Seg[]; value: unknown }> = [];
    const sw = this.sweepData(sweep);
    const metric = isObj(sw.objective) ? sw.objective.metric : undefined;
    if (typeof metric === 'string' && metric.startsWith(`${oldId}.`)) out.push({ path: ['sweeps', sweep, 'objective', 'metric'], value: `${newId}${metric.slice(oldId.length)}` });
    const pruner = isObj(sw.tpe) && isObj(sw.tpe.pruner) ? sw.tpe.pruner : undefined;
    if (pruner?.step === oldId) out.push({ path: ['sweeps', sweep, 'tpe', 'pruner', 'step'], value: newId });
    return out;
  }
}

function getPath(data: unknown, path: readonly Seg[]): unknown {
  let v = data;
  for (const s of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[s] : undefined;
  return v;
}

function checkId(id: string): void {
  if (!STEP_ID.test(id)) throw new EditorOpError(`invalid step id "${id}": a step id starts with a letter or _ and holds only letters, digits, _ and - (at most 128)`);
}

/** Rewrites the step id of the references `match` selects, keeping scope and output. */
function rewriteRefs(s: string, match: (scope: '' | 'prev.' | 'members.', id: string) => boolean, newId: string): string {
  return s.replace(TOKEN, (m, expr: string | undefined) => {
    if (m === '$${') return m;
    const r = STEP_REF.exec((expr ?? '').trim());
    if (!r || !match((r[1] ?? '') as '' | 'prev.' | 'members.', r[2]!)) return m;
    return `\${${r[1] ?? ''}steps.${newId}.outputs.${r[3]}}`;
  });
}
