/**
 * Edits YAML text in place. `yaml`'s own `toString()` re-formats the whole file (comment
 * columns, long flow maps, quoting), so instead each edit is applied to the parsed Document
 * only to render the smallest piece of text that has to change — one scalar, one flow
 * collection, one `key: value` pair, or a block of new lines — and that piece is spliced into
 * the original text. Everything else stays byte for byte as the user wrote it.
 */
import { Document, isCollection, isMap, isNode, isPair, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node as YamlNode, type Pair } from 'yaml';

export type Seg = string | number;

/** Thrown for an edit the file cannot take; the message names the field. */
export class EditorOpError extends Error {
  override readonly name = 'EditorOpError';
}

/** Parses the way the kernel's loader does (anchors with `<<` merge keys allowed). */
export function parseYaml(text: string): Document.Parsed {
  return parseDocument(text, { merge: true, prettyErrors: false });
}

const STRINGIFY = { lineWidth: 0, flowCollectionPadding: true } as const;

/** A small collection of scalars reads best on one line (`{ seed: 7, size: 1500 }`). */
const FLOW_MAX = 72;

/**
 * Builds a node for a new value: nested maps and lists that fit on a line are written in flow
 * style; the first `blockDepth` levels stay block (a new step is a block map).
 */
export function createNode(doc: Document, value: unknown, blockDepth = 0): YamlNode {
  const node = doc.createNode(value) as YamlNode;
  const walk = (n: unknown, depth: number): boolean => {
    // References are quoted as in the examples: `${` must be quoted inside flow collections.
    if (isScalar(n) && typeof n.value === 'string' && n.value.includes('${')) n.type = Scalar.QUOTE_DOUBLE;
    if (!isCollection(n)) return true;
    let small = true;
    for (const it of n.items as unknown[]) {
      const v = isPair(it) ? it.value : it;
      if (!walk(v, depth + 1) || (isCollection(v) && !v.flow)) small = false;
    }
    if (small && depth >= blockDepth && JSON.stringify(n.toJSON()).length <= FLOW_MAX) n.flow = true;
    return n.flow === true;
  };
  walk(node, 0);
  return node;
}

type Stringify = (ctx?: { flowCollectionPadding?: string }, onComment?: () => void, onChompKeep?: () => void) => string;

/**
 * Renders a node as YAML text. Flow lists come out as `[8, 16]` and flow maps as `{ a: 1 }`,
 * the way the examples and docs write them (yaml's one padding option sets both).
 */
function render(node: unknown): string {
  const patched: Array<YAMLMap | YAMLSeq> = [];
  const walk = (n: unknown): void => {
    if (isPair(n)) return walk(n.value);
    if (!isCollection(n)) return;
    const proto = (isSeq(n) ? YAMLSeq.prototype.toString : YAMLMap.prototype.toString) as Stringify;
    const padding = isSeq(n) ? '' : ' ';
    (n as unknown as { toString: Stringify }).toString = (ctx, a, b) => proto.call(n, ctx && { ...ctx, flowCollectionPadding: padding }, a, b);
    patched.push(n);
    for (const it of n.items as unknown[]) walk(it);
  };
  walk(node);
  const d = new Document();
  d.contents = node as YamlNode;
  try {
    return d.toString(STRINGIFY).replace(/\n$/, '');
  } finally {
    for (const n of patched) delete (n as { toString?: unknown }).toString;
  }
}

/** A scalar as it would be written inside a flow collection (quoted if it holds `{`, `,`…). */
function renderInFlow(node: YamlNode): string {
  const seq = new YAMLSeq();
  seq.flow = true;
  seq.items.push(node);
  return render(seq).replace(/^\[/, '').replace(/\]$/, '');
}

const indentLines = (s: string, indent: number, first = false): string =>
  s.split('\n').map((l, i) => (l === '' || (i === 0 && !first) ? l : ' '.repeat(indent) + l)).join('\n');

const lineStart = (text: string, pos: number): number => text.lastIndexOf('\n', pos - 1) + 1;
const column = (text: string, pos: number): number => pos - lineStart(text, pos);
/** Position just after the newline that ends the line holding `pos - 1` (the end of a value). */
function afterLine(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const nl = text.indexOf('\n', end);
  return nl === -1 ? text.length : nl + 1;
}
/** End of a node's own text, without the line break some block nodes include. */
function valueEnd(text: string, node: YamlNode): number {
  let end = node.range![1];
  while (end > node.range![0] && /\s/.test(text[end - 1]!)) end--;
  return end;
}

interface Link {
  /** The collection holding this segment. */
  parent: YAMLMap | YAMLSeq;
  seg: Seg;
  pair: Pair | null;
  node: YamlNode | null;
}

function child(parent: YAMLMap | YAMLSeq, seg: Seg): { pair: Pair | null; node: YamlNode | null } {
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg) as Pair | undefined;
    return { pair: pair ?? null, node: pair ? ((pair.value as YamlNode | null) ?? null) : null };
  }
  const item = typeof seg === 'number' ? parent.items[seg] : undefined;
  return { pair: null, node: (item as YamlNode | undefined) ?? null };
}

/** The existing nodes along `path`; stops at the first missing one or at a scalar. */
function chain(doc: Document, path: readonly Seg[]): Link[] {
  const out: Link[] = [];
  let cur: unknown = doc.contents;
  for (const seg of path) {
    if (!isMap(cur) && !isSeq(cur)) break;
    const { pair, node } = child(cur, seg);
    out.push({ parent: cur, seg, pair, node });
    if (!pair && !node) break;
    cur = node;
  }
  return out;
}

const where = (path: readonly Seg[]) => path.join('.');

/**
 * Returns `text` with the value at `path` set to `value` (or removed when `undefined`), changing
 * as few lines as it can. Missing maps along the path are created; `blockLevels` keeps that
 * many levels of a new value in block style (a new step).
 * @example setIn('a: 1 # keep\nb: 2\n', ['b'], 3) // 'a: 1 # keep\nb: 3\n'
 */
export function setIn(text: string, path: readonly Seg[], value: unknown, blockLevels = 0, parsed?: Document): string {
  // A Document parsed from this very text saves a parse; it is changed by the edit.
  const doc = parsed ?? parseYaml(text);
  if (!isMap(doc.contents)) {
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
      return value === undefined ? text : text + render(createNode(doc, nest(path, value), path.length + blockLevels)) + '\n';
    }
    throw new EditorOpError(`cannot set ${where(path)}: the file is not a map of settings`);
  }
  const links = chain(doc, path);
  const last = links[links.length - 1]!;
  const exists = links.length === path.length && (last.pair !== null || last.node !== null);
  if (!exists && value === undefined) return text;
  if (exists && last.node && isScalar(last.node) && isScalar(value === undefined ? null : createNode(doc, value)) && value !== undefined) {
    const scalarEdit = replaceScalar(text, links, value);
    if (scalarEdit !== null) return scalarEdit;
  }
  const flowAt = links.findIndex((l) => isCollection(l.parent) && l.parent.flow);
  if (flowAt !== -1) {
    const flow = links[flowAt]!.parent;
    mutate(doc, path, value, blockLevels);
    return splice(text, flow.range![0], valueEnd(text, flow), renderFlowish(flow));
  }
  const container = last.parent;
  if (value === undefined) return removeBlockItem(text, doc, path, links);
  if (!exists && isMap(container) && container.items.length > 0) {
    // A new key (and the maps above it) as new lines after the map's last entry.
    const rest = path.slice(links.length - 1);
    const after = container.items[container.items.length - 1]!;
    const end = afterLine(text, valueEnd(text, (after.value as YamlNode | null) ?? (after.key as YamlNode)));
    const indent = column(text, (container.items[0]!.key as YamlNode).range![0]);
    const blank = path.length === 2 && path[0] === 'steps' && hasBlankBefore(text, after.key as YamlNode) ? '\n' : '';
    const lines = render(createNode(doc, nest(rest, value), rest.length + blockLevels));
    return splice(text, end, end, blank + indentLines(lines, indent, true) + '\n');
  }
  if (!exists && isSeq(container) && container.items.length > 0 && path[path.length - 1] === container.items.length && links.length === path.length) {
    // A new last item of a block list, as a new `- value` line under the others.
    const items = container.items as YamlNode[];
    const firstStart = items[0]!.range![0];
    const dash = text.lastIndexOf('-', firstStart);
    const end = afterLine(text, valueEnd(text, items[items.length - 1]!));
    const seq = new YAMLSeq();
    seq.items.push(createNode(doc, value, blockLevels));
    return splice(text, end, end, indentLines(render(seq), column(text, dash), true) + '\n');
  }
  return replacePair(text, doc, path, links, value, blockLevels);
}

/** `{ a: { b: value } }` for path [a, b]. */
function nest(path: readonly Seg[], value: unknown): unknown {
  return path.reduceRight<unknown>((v, seg) => ({ [seg]: v }), value);
}

function hasBlankBefore(text: string, key: YamlNode): boolean {
  const start = lineStart(text, key.range![0]);
  return start >= 2 && text[start - 1] === '\n' && text[start - 2] === '\n';
}

function mutate(doc: Document, path: readonly Seg[], value: unknown, blockLevels: number): void {
  if (value === undefined) doc.deleteIn(path);
  else doc.setIn(path, createNode(doc, value, blockLevels));
}

/** A flow collection re-rendered; yaml keeps existing scalars' quoting. */
function renderFlowish(node: YamlNode): string {
  return render(node);
}

/** The text of scalar `old` set to `value`, in the user's quoting when it stays a string; null if it needs lines. */
function scalarText(old: Scalar, value: unknown, inFlow: boolean): string | null {
  const next = new Scalar(value);
  if (typeof value === 'string' && typeof old.value === 'string' && old.type) next.type = old.type;
  const out = inFlow ? renderInFlow(next) : render(next);
  return out.includes('\n') ? null : out;
}

function replaceScalar(text: string, links: Link[], value: unknown): string | null {
  const old = links[links.length - 1]!.node as Scalar;
  const out = scalarText(old, value, links.some((l) => l.parent.flow));
  return out === null ? null : splice(text, old.range![0], valueEnd(text, old), out);
}

/** Removes an entry of a block map or list with its lines; an emptied collection becomes `{}`/`[]`. */
function removeBlockItem(text: string, doc: Document, path: readonly Seg[], links: Link[]): string {
  const last = links[links.length - 1]!;
  const container = last.parent;
  if (container.items.length === 1 && links.length >= 2) {
    return setIn(text, path.slice(0, -1), isMap(container) ? {} : []);
  }
  const first = last.pair ? (last.pair.key as YamlNode) : last.node!;
  const end = last.node ? valueEnd(text, last.node) : valueEnd(text, first);
  void doc;
  return splice(text, lineStart(text, first.range![0]), afterLine(text, end), '');
}

/** Re-renders the innermost `key: value` pair of a block map that holds the change. */
function replacePair(text: string, doc: Document, path: readonly Seg[], links: Link[], value: unknown, blockLevels: number): string {
  let i = links.length - 1;
  while (i >= 0 && !(isMap(links[i]!.parent) && links[i]!.pair)) i--;
  if (i < 0) throw new EditorOpError(`cannot set ${where(path)}: no map to hold it`);
  const { pair } = links[i]!;
  const key = pair!.key as YamlNode;
  const start = key.range![0];
  // Measured before the edit replaces the value node (the new one has no range).
  const end = pair!.value && isNode(pair!.value) && pair!.value.range ? valueEnd(text, pair!.value) : valueEnd(text, key);
  mutate(doc, path, value, blockLevels);
  const m = new YAMLMap();
  m.items.push(pair!);
  return splice(text, start, end, indentLines(render(m), column(text, start)));
}

/** Replaces a map key's text (a rename), keeping the value and everything around it. */
export function renameKey(text: string, path: readonly Seg[], newKey: string): string {
  const doc = parseYaml(text);
  const links = chain(doc, path);
  const last = links[links.length - 1];
  if (!last || links.length !== path.length || !last.pair) throw new EditorOpError(`cannot rename ${where(path)}: not found`);
  const key = last.pair.key as YamlNode;
  const out = last.parent.flow ? renderInFlow(new Scalar(newKey)) : render(new Scalar(newKey));
  return splice(text, key.range![0], valueEnd(text, key), out);
}

/**
 * Several scalar or flow-collection replacements and key renames at once on the same text
 * (positions of a thousand nodes, a rename's references) with one parse. Each path must
 * exist and the edits must not overlap; returns null when one does not exist.
 */
export function replaceMany(text: string, edits: Array<{ path: readonly Seg[]; value: unknown }>, renames: Array<{ path: readonly Seg[]; key: string }> = [], parsed?: Document): string | null {
  const doc = parsed ?? parseYaml(text);
  const splices: Array<[number, number, string]> = [];
  for (const r of renames) {
    const links = chain(doc, r.path);
    const last = links[links.length - 1];
    if (!last || links.length !== r.path.length || !last.pair) return null;
    const key = last.pair.key as YamlNode;
    splices.push([key.range![0], valueEnd(text, key), last.parent.flow ? renderInFlow(new Scalar(r.key)) : render(new Scalar(r.key))]);
  }
  for (const e of edits) {
    const links = chain(doc, e.path);
    const last = links[links.length - 1];
    if (!last || links.length !== e.path.length || !last.node?.range) return null;
    const node = createNode(doc, e.value, 0);
    const inFlow = links.some((l) => l.parent.flow);
    let out: string | null = null;
    if (isScalar(node) && isScalar(last.node)) out = scalarText(last.node, e.value, inFlow);
    else if (isCollection(node) && node.flow) out = render(node);
    if (out === null || out.includes('\n')) return null;
    splices.push([last.node.range[0], valueEnd(text, last.node), out]);
  }
  splices.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [s, e, r] of splices) out = splice(out, s, e, r);
  return out;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** Adds `key: value` as the first entry of the top-level map (for `version: 2`), after leading comments. */
export function prependRootKey(text: string, key: string, value: unknown): string {
  const doc = parseYaml(text);
  const first = isMap(doc.contents) ? (doc.contents.items[0]?.key as YamlNode | undefined) : undefined;
  if (!first?.range) return setIn(text, [key], value);
  const m = new YAMLMap();
  m.set(key, value);
  const at = lineStart(text, first.range[0]);
  return splice(text, at, at, render(m) + '\n');
}

/** Offsets of each value of the map at `path` (key → [start, end)), or null when it is not a map of scalars' keys. */
export function valueRanges(doc: Document, text: string, path: readonly Seg[]): Map<string, [number, number]> | null {
  const m = doc.getIn(path, true);
  if (!isMap(m)) return null;
  const out = new Map<string, [number, number]>();
  for (const pair of m.items) {
    const key = isScalar(pair.key) ? pair.key.value : null;
    const v = pair.value as YamlNode | null;
    if (typeof key !== 'string' || !v?.range) return null;
    out.set(key, [v.range[0], valueEnd(text, v)]);
  }
  return out;
}
