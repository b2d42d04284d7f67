import { create } from 'zustand';
import { resolveTheme, type ThemeChoice } from '../lib/theme';

export type { ThemeChoice } from '../lib/theme';
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

const darkQuery: MediaQueryList | null = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;

interface ThemeState {
  theme: ThemeChoice;
  /** What the OS prefers right now (tracked live, so Auto follows it). */
  systemDark: boolean;
  /** The theme actually shown: the choice, or the OS preference in Auto. Charts re-colour on change. */
  resolved: 'light' | 'dark';
  cycle: () => void;
}

export const useThemeStore = create<ThemeState>((set, get) => {
  const t = initial();
  apply(t);
  const systemDark = darkQuery?.matches ?? false;
  return {
    theme: t,
    systemDark,
    resolved: resolveTheme(t, systemDark),
    cycle: () => {
      const next: ThemeChoice = get().theme === 'system' ? 'dark' : get().theme === 'dark' ? 'light' : 'system';
      apply(next);
      try {
        localStorage.setItem(KEY, next);
      } catch {
        // not persisted
      }
      set({ theme: next, resolved: resolveTheme(next, get().systemDark) });
    },
  };
});

// The OS switching light/dark: CSS follows by itself (media query), the chart's canvas colours
// are read from CSS variables when drawn, so the store must tell it to redraw.
darkQuery?.addEventListener('change', (e) => {
  useThemeStore.setState((s) => ({ systemDark: e.matches, resolved: resolveTheme(s.theme, e.matches) }));
});
