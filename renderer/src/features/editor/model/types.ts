/**
 * The editor's model of an `experiment.yaml` (U4): what the canvas draws and what the
 * operations change. The document itself is a `yaml` Document, so comments and key order
 * survive every edit that does not touch them. Implemented in ./doc.ts, ./graph.ts,
 * ./history.ts, ./layout.ts, ./schema-fields.ts.
 */

/**
 * A step as written in the file. `key` is unique across the file: a top-level step's key is
 * its id (`train`); a sweep template step's key is `<sweep>.<id>` (`rank.train`).
 */
export interface EditorStep {
  key: string;
  id: string;
  /** The sweep whose template holds this step, or null for a top-level step. */
  sweep: string | null;
  skill: string;
  params: Record<string, unknown>;
  inputs: Record<string, unknown>;
  deps: string[];
  description: string | null;
  target: string | null;
}

/**
 * An edge source → target (step keys). `dep`: an entry of `deps` (field `deps.<i>`);
 * `ref`: a `${steps.<source>.outputs.<output>}` reference inside the target's params or inputs
 * (field `inputs.train` / `params.config`, output the referenced output's name).
 * `prev`/`members` references of curriculum/ensemble templates are edges too (kind `ref`).
 */
export interface EditorEdge {
  /** Stable: `<source>-><target>:<field>`. */
  id: string;
  source: string;
  target: string;
  kind: 'dep' | 'ref';
  field: string;
  output: string | null;
}

/** A sweep block: its protocol keys (everything but `steps`) and its template step keys. */
export interface EditorSweep {
  name: string;
  /** `grid`, `random`, `tpe`, `seeds`, `curriculum`, `ensemble` — the first protocol key found. */
  protocol: string;
  /** The block minus `steps`, as plain data (grid, seeds, params, objective, select, …). */
  spec: Record<string, unknown>;
  steps: string[];
}

export interface Position {
  x: number;
  y: number;
}

export interface EditorGraph {
  name: string;
  description: string | null;
  steps: EditorStep[];
  edges: EditorEdge[];
  sweeps: EditorSweep[];
  /** From `metadata.editor.positions` (step key → [x, y]); steps without one are absent. */
  positions: Record<string, Position>;
  /** YAML syntax errors (the graph is then whatever parsed); line/col 1-based. */
  syntaxErrors: Array<{ line: number; col: number; message: string }>;
}

/** How a new connection source → target is written. */
export type Connection = { kind: 'dep' } | { kind: 'ref'; output: string; into: 'inputs' | 'params'; name: string };

/** One form field derived from a skill's params JSON Schema. */
export interface SchemaField {
  /** Dotted path inside params (`source.synthetic.seed`). */
  path: string;
  label: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'array' | 'object' | 'json';
  required: boolean;
  description: string | null;
  default: unknown;
  enum: unknown[] | null;
  minimum: number | null;
  maximum: number | null;
  /** exclusive bounds, pattern, minLength… kept for validation messages. */
  raw: Record<string, unknown>;
}

/**
 * The operations (ExperimentDoc in ./doc.ts). Every mutation edits the yaml Document in place
 * and returns nothing; `toString()` gives the new text. Errors (unknown key, id clash, bad
 * id) throw EditorOpError with a message naming the step/field.
 */
export interface ExperimentDocApi {
  toString(): string;
  graph(): EditorGraph;
  /** Adds a step (in the sweep's template when `sweep` is given); returns its key. The id is `<skill>` or `<skill>_<n>` unless given. */
  addStep(skill: string, opts?: { id?: string; sweep?: string; position?: Position; params?: Record<string, unknown> }): string;
  /** Removes the step, its position, and every dep/ref edge pointing at it (refs are removed with their key). */
  removeStep(key: string): void;
  /** Renames a step and rewrites every reference to it. */
  renameStep(key: string, newId: string): string;
  connect(source: string, target: string, how: Connection): void;
  disconnect(edgeId: string): void;
  /** Sets (or with `undefined` deletes) a value at a dotted path inside the step's params. */
  setParam(key: string, path: string, value: unknown): void;
  /** Sets a step field other than params: description, target, deps, inputs.<name>, retry.max, timeout, cache, trigger… */
  setField(key: string, path: string, value: unknown): void;
  addSweep(name: string, spec: Record<string, unknown>): void;
  /** Replaces the protocol keys of a sweep (steps untouched). */
  setSweepSpec(name: string, spec: Record<string, unknown>): void;
  removeSweep(name: string): void;
  setMeta(field: 'name' | 'description' | 'concurrency', value: unknown): void;
  /** Writes positions into `metadata.editor.positions` (flow style `[x, y]`, rounded). */
  setPositions(positions: Record<string, Position>): void;
}
