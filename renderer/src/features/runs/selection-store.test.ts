import { describe, expect, it } from 'vitest';
import { canCompare, useSelectionStore } from './selection-store';

describe('runs picked for comparison', () => {
  it('toggles ids in pick order and clears', () => {
    const s = useSelectionStore.getState();
    s.toggle('a');
    s.toggle('b');
    s.toggle('c');
    s.toggle('a');
    expect(useSelectionStore.getState().ids).toEqual(['b', 'c']);
    s.clear();
    expect(useSelectionStore.getState().ids).toEqual([]);
  });

  it('allows 2 to 50 runs', () => {
    expect([1, 2, 50, 51].map(canCompare)).toEqual([false, true, true, false]);
  });
});
