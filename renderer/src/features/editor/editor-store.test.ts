import { beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentCheck } from '../../../../kernel/common/contract-editor';
import { edit, isDirty, markSaved, openText, redo, runBlocker, setCheck, undo, useEditorStore } from './editor-store';

const FILE = 'version: 1\nname: t\nsteps:\n  a:\n    skill: noop # keep me\n';
const clean: ExperimentCheck = { ok: true, problems: [], steps: [], sweeps: [], summary: { steps: 1, hits: 0, willRun: 1, unknown: 0 } };
const s = () => useEditorStore.getState();

describe('editor store', () => {
  beforeEach(() => openText('/x/experiment.yaml', FILE));

  it('turns each operation into one history entry; undo and redo restore the text exactly', () => {
    const key = edit((d) => d.addStep('noop'));
    expect(key).toBe('noop');
    edit((d) => d.connect('a', 'noop', { kind: 'dep' }));
    expect(s().graph.edges.map((e) => e.id)).toEqual(['a->noop:deps.0']);
    expect(s().text).toContain('# keep me');
    undo();
    expect(s().graph.edges).toEqual([]);
    undo();
    expect(s().text).toBe(FILE);
    expect(s().canUndo).toBe(false);
    redo();
    expect(s().graph.steps.map((x) => x.key)).toEqual(['a', 'noop']);
  });

  it('keeps the buffer and reports a refused operation', () => {
    expect(edit((d) => d.renameStep('a', '9bad'))).toBeUndefined();
    expect(s().opError).toMatch(/9bad/);
    expect(s().text).toBe(FILE);
    expect(s().canUndo).toBe(false);
  });

  it('is dirty until saved', () => {
    expect(isDirty(s())).toBe(false);
    edit((d) => d.setParam('a', 'x', 1));
    expect(isDirty(s())).toBe(true);
    markSaved('/x/experiment.yaml', s().text);
    expect(isDirty(s())).toBe(false);
  });

  it('blocks Run while the check is pending, stale or has problems, and ignores an answer for older text', () => {
    expect(runBlocker(s())).toBe('checking…');
    setCheck(FILE, { ...clean, ok: false, problems: [{ stepId: 'a', field: 'deps.0', depId: 'b', line: 1, col: 1, message: 'dependency cycle: a → b → a', hint: null }] }, null);
    expect(runBlocker(s())).toBe('1 problem: dependency cycle: a → b → a');
    setCheck(FILE, clean, null);
    expect(runBlocker(s())).toBeNull();
    edit((d) => d.setParam('a', 'x', 1));
    expect(runBlocker(s())).toBe('checking…');
    setCheck(FILE, clean, null); // the answer for the text before the edit
    expect(s().checkedText).toBe(FILE);
    expect(runBlocker(s())).toBe('checking…');
  });

  it('shows YAML syntax errors as a Run blocker', () => {
    openText(null, 'name: [unclosed\n');
    expect(s().graph.syntaxErrors.length).toBeGreaterThan(0);
    expect(runBlocker(s())).toMatch(/^YAML syntax error/);
  });
});
