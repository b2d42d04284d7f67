/**
 * Runs picked in the runs browser for comparison. Kept by id, so a pick survives sorting,
 * filtering and scrolling (rows are virtualized and refetched); order is the order picked.
 */
import { create } from 'zustand';

export const COMPARE_MIN = 2;
export const COMPARE_MAX = 50;

interface SelectionState {
  ids: string[];
  toggle(id: string): void;
  clear(): void;
}

export const useSelectionStore = create<SelectionState>((set) => ({
  ids: [],
  toggle: (id) => set((s) => ({ ids: s.ids.includes(id) ? s.ids.filter((x) => x !== id) : [...s.ids, id] })),
  clear: () => set({ ids: [] }),
}));

/** Whether `n` picked runs can be compared (2–50). */
export function canCompare(n: number): boolean {
  return n >= COMPARE_MIN && n <= COMPARE_MAX;
}
