/**
 * The editor's state: the open file, its text (the source of truth, so undo/redo and saving
 * are plain text snapshots), the graph drawn from it, the selection and the kernel's last
 * check. Every edit goes through `edit()`: the operation runs on the yaml Document (comments
 * and key order survive), the new text becomes one history entry.
 */
import { create } from 'zustand';
import type { ExperimentCheck, SkillInfo } from '../../../../kernel/common/contract-editor';
import { ExperimentDoc } from './model/doc';
import { History } from './model/history';
import type { EditorGraph } from './model/types';

export type Selection = { kind: 'step'; key: string } | { kind: 'sweep'; name: string } | { kind: 'edge'; key: string } | null;

export interface EditorState {
  /** The file the buffer belongs to; null for a new, never saved experiment. */
  path: string | null;
  text: string;
  /** The text as last read or saved: dirty when it differs. */
  savedText: string;
  graph: EditorGraph;
  canUndo: boolean;
  canRedo: boolean;
  selection: Selection;
  /** The last check, for `checkedText`; stale while a newer one is pending. */
  check: ExperimentCheck | null;
  checkedText: string | null;
  checkError: string | null;
  /** The last refused operation (id clash, bad id…), shown until the next edit. */
  opError: string | null;
  skills: SkillInfo[];
  /** Bumped to ask the canvas to centre a step. */
  focus: { key: string; n: number } | null;
  /** Bumped when a file (or a new buffer) is opened: the canvas's auto-layout belongs to one file. */
  session: number;
}

const BLANK_NAME = 'untitled';

let doc: ExperimentDoc = ExperimentDoc.blank(BLANK_NAME);
let history = new History<string>(doc.toString());

function stateFor(text: string): Pick<EditorState, 'text' | 'graph' | 'canUndo' | 'canRedo'> {
  return { text, graph: doc.graph(), canUndo: history.canUndo(), canRedo: history.canRedo() };
}

export const useEditorStore = create<EditorState>(() => ({
  path: null,
  ...stateFor(doc.toString()),
  savedText: doc.toString(),
  selection: null,
  check: null,
  checkedText: null,
  checkError: null,
  opError: null,
  skills: [],
  focus: null,
  session: 0,
}));

const set = useEditorStore.setState;
const get = useEditorStore.getState;

/** Opens text as the buffer of `path` (null: a new file); history starts over. */
export function openText(path: string | null, text: string): void {
  doc = ExperimentDoc.parse(text);
  history = new History<string>(text);
  set({ path, savedText: text, selection: null, check: null, checkedText: null, checkError: null, opError: null, session: get().session + 1, ...stateFor(text) });
}

export function openBlank(name = BLANK_NAME): void {
  doc = ExperimentDoc.blank(name);
  openText(null, doc.toString());
}

/**
 * Applies an operation to the document. `coalesce`: consecutive edits with the same key
 * (one drag, one typed field) make one history entry. A refused operation changes nothing
 * and its message is kept in `opError`.
 * @returns the operation's result, or undefined when it was refused.
 */
export function edit<T>(op: (d: ExperimentDoc) => T, coalesce?: string): T | undefined {
  let result: T;
  try {
    result = op(doc);
  } catch (e) {
    doc = ExperimentDoc.parse(get().text);
    set({ opError: e instanceof Error ? e.message : String(e) });
    return undefined;
  }
  const text = doc.toString();
  if (text !== get().text) history.push(text, coalesce);
  set({ opError: null, ...stateFor(text) });
  return result;
}

/** Replaces the whole text (the source view); a parse failure shows as syntax errors. */
export function replaceText(text: string): void {
  if (text === get().text) return;
  doc = ExperimentDoc.parse(text);
  history.push(text);
  set({ opError: null, ...stateFor(text) });
}

function travel(text: string | null): void {
  if (text === null) return;
  doc = ExperimentDoc.parse(text);
  set({ opError: null, ...stateFor(text) });
}

export const undo = (): void => travel(history.undo());
export const redo = (): void => travel(history.redo());

export function markSaved(path: string, text: string): void {
  set({ path, savedText: text });
}

export function select(selection: Selection): void {
  set({ selection });
}

/** Selects a step and asks the canvas to bring it into view. */
export function focusStep(key: string): void {
  const n = (get().focus?.n ?? 0) + 1;
  set({ selection: { kind: 'step', key }, focus: { key, n } });
}

export function setCheck(text: string, check: ExperimentCheck | null, error: string | null): void {
  if (text !== get().text) return; // an older answer: the buffer moved on
  set({ check, checkedText: text, checkError: error });
}

export function setSkills(skills: SkillInfo[]): void {
  set({ skills });
}

export const isDirty = (s: EditorState): boolean => s.text !== s.savedText;

/** Why the buffer may not run now, or null. */
export function runBlocker(s: EditorState): string | null {
  if (s.graph.syntaxErrors.length) return `YAML syntax error: ${s.graph.syntaxErrors[0]!.message}`;
  if (s.checkedText !== s.text) return 'checking…';
  if (s.checkError) return `check failed: ${s.checkError}`;
  const n = s.check?.problems.length ?? 0;
  if (n) return `${n} problem${n > 1 ? 's' : ''}: ${s.check!.problems[0]!.message}`;
  if (!s.graph.steps.length) return 'no steps yet';
  return null;
}
