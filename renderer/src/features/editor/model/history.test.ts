import { describe, expect, it } from 'vitest';
import { History } from './history';

describe('History', () => {
  it('undoes and redoes snapshots; a new edit clears redo', () => {
    const h = new History('a');
    expect(h.canUndo()).toBe(false);
    h.push('b');
    h.push('c');
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeNull();
    expect(h.redo()).toBe('b');
    h.push('x');
    expect(h.canRedo()).toBe(false);
    expect(h.redo()).toBeNull();
    expect(h.current()).toBe('x');
    expect(h.undo()).toBe('b');
  });

  it('coalesces rapid edits with the same key into one entry, not edits with another key or after a pause', () => {
    let now = 0;
    const h = new History('', { coalesceMs: 500, now: () => now });
    for (const t of ['l', 'lr', 'lr=']) {
      now += 100;
      h.push(t, 'train.params.lr');
    }
    now += 100;
    h.push('lr=0', 'train.params.lr');
    expect(h.current()).toBe('lr=0');
    expect(h.undo()).toBe('');
    expect(h.redo()).toBe('lr=0');
    now += 100;
    h.push('lr=0 x', 'other');
    now += 1000;
    h.push('lr=0 xy', 'other');
    expect(h.undo()).toBe('lr=0 x');
    expect(h.undo()).toBe('lr=0');
  });

  it('does not merge into the state an undo went back to', () => {
    let now = 0;
    const h = new History('a', { now: () => now });
    h.push('ab', 'k');
    h.undo();
    now += 10;
    h.push('ac', 'k');
    expect(h.undo()).toBe('a');
  });

  it('keeps at most `limit` entries', () => {
    const h = new History(0, { limit: 3 });
    for (let i = 1; i <= 10; i++) h.push(i);
    let n = 0;
    while (h.undo() !== null) n++;
    expect(n).toBe(3);
    expect(h.current()).toBe(7);
  });
});
