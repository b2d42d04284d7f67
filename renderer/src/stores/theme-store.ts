import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'sgr.theme';

function apply(t: ThemeChoice): void {
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}

function initial(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    if (v === 'light' || v === 'dark') return v;
  } catch {
    // storage may be disabled
  }
  return 'system';
}

interface ThemeState {
  theme: ThemeChoice;
  cycle: () => void;
}

export const useThemeStore = create<ThemeState>((set, get) => {
  const t = initial();
  apply(t);
  return {
    theme: t,
    cycle: () => {
      const next: ThemeChoice = get().theme === 'system' ? 'dark' : get().theme === 'dark' ? 'light' : 'system';
      apply(next);
      try {
        localStorage.setItem(KEY, next);
      } catch {
        // not persisted
      }
      set({ theme: next });
    },
  };
});
