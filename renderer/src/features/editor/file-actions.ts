/** Open and save through the kernel (experiments.read / examples / save); the store keeps the buffer. */
import { call } from '../../api';
import { navigate } from '../../stores/route-store';
import { markSaved, openText, useEditorStore } from './editor-store';

export async function openFile(path: string): Promise<void> {
  const r = await call('experiments.read', { path });
  openText(r.path, r.text);
}

/** Saves the buffer to `path` (default: the open file); the route follows the file. */
export async function saveTo(path?: string): Promise<string> {
  const { text, path: cur } = useEditorStore.getState();
  const target = path ?? cur;
  if (!target) throw new Error('no file yet: use Save as');
  const r = await call('experiments.save', { path: target, text });
  markSaved(r.path, text);
  navigate({ page: 'editor', file: r.path });
  return r.path;
}
