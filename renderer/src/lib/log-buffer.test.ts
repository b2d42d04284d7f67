import { describe, expect, it } from 'vitest';
import { appendChunk, capLines, emptyLog, findMatches, highlightParts, prependChunk, visibleLines } from './log-buffer';

describe('log window', () => {
  it('joins a line cut across appended chunks', () => {
    let w = emptyLog();
    w = appendChunk(w, 'hel', 3);
    w = appendChunk(w, 'lo\nwor', 10);
    expect(visibleLines(w)).toEqual(['hello', 'wor']);
    w = appendChunk(w, 'ld\n', 13);
    expect(visibleLines(w)).toEqual(['hello', 'world']);
    expect(w.end).toBe(13);
  });
  it('joins a line cut across a prepended (older) chunk', () => {
    // The file is "one\ntwo\nthree\n"; we first read from byte 6 ("o\nthree\n").
    let w = appendChunk({ start: 6, end: 6, lines: [''] }, 'o\nthree\n', 14);
    expect(visibleLines(w)).toEqual(['o', 'three']);
    w = prependChunk(w, 'one\ntw', 0);
    expect(visibleLines(w)).toEqual(['one', 'two', 'three']);
    expect(w.start).toBe(0);
  });
  it('an older chunk ending in a newline does not merge lines', () => {
    const w = prependChunk(appendChunk({ start: 4, end: 4, lines: [''] }, 'b\n', 6), 'a\n', 2);
    expect(visibleLines(w)).toEqual(['a', 'b']);
  });
  it('caps lines from the top and moves start by their bytes', () => {
    const w = appendChunk(emptyLog(), 'aa\nbb\ncc\n', 9);
    const capped = capLines(w, 3);
    expect(visibleLines(capped)).toEqual(['bb', 'cc']);
    expect(capped.start).toBe(3);
  });
  it('finds and highlights matches case-insensitively', () => {
    const lines = ['Epoch 1 loss=0.5', 'epoch 2 LOSS=0.4', 'done'];
    expect(findMatches(lines, 'loss')).toEqual([0, 1]);
    expect(findMatches(lines, '')).toEqual([]);
    expect(highlightParts('a Loss b loss', 'loss')).toEqual([
      { text: 'a ', match: false },
      { text: 'Loss', match: true },
      { text: ' b ', match: false },
      { text: 'loss', match: true },
    ]);
    expect(highlightParts('', 'x')).toEqual([{ text: '', match: false }]);
  });
});
