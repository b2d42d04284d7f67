/** The editor's effects: the skill registry, the live check, keyboard shortcuts. */
import { useEffect } from 'react';
import { call } from '../../api';
import { redo, setCheck, setSkills, undo, useEditorStore } from './editor-store';
import { saveTo } from './file-actions';

export const CHECK_DEBOUNCE_MS = 250;

export function useSkills(): void {
  useEffect(() => {
    call('skills.list', {}).then(setSkills, () => setSkills([]));
  }, []);
}

/** Checks the buffer with the kernel's own loader and validator, 250 ms after the last edit. */
export function useLiveCheck(): void {
  const text = useEditorStore((s) => s.text);
  const path = useEditorStore((s) => s.path);
  useEffect(() => {
    const t = setTimeout(() => {
      call('experiments.check', path ? { text, path } : { text }).then(
        (r) => setCheck(text, r, null),
        (e: unknown) => setCheck(text, null, e instanceof Error ? e.message : String(e)),
      );
    }, CHECK_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, path]);
}

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

/** Ctrl/Cmd-S saves (Save as when new); Ctrl/Cmd-Z / Ctrl/Cmd-Shift-Z (or -Y) undo and redo outside text fields. */
export function useShortcuts(onSaveAs: () => void, onError: (msg: string | null) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      if (k === 's') {
        e.preventDefault();
        // A field being typed in writes on blur: write it first, so the save includes it.
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        if (useEditorStore.getState().path) saveTo().then(() => onError(null), (err: unknown) => onError(err instanceof Error ? err.message : String(err)));
        else onSaveAs();
      } else if ((k === 'z' || k === 'y') && !typing(e.target)) {
        e.preventDefault();
        if (k === 'y' || e.shiftKey) redo();
        else undo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onSaveAs, onError]);
}
