import { useThemeStore } from '../stores/theme-store';

const LABEL = { system: 'Auto', dark: 'Dark', light: 'Light' } as const;
const ICON = { system: '◐', dark: '☾', light: '☀' } as const;

export function ThemeToggle() {
  const theme = useThemeStore((s) => s.theme);
  const cycle = useThemeStore((s) => s.cycle);
  return (
    <button type="button" className="btn ghost" onClick={cycle} data-testid="theme-toggle" data-theme-choice={theme} title="Theme: auto → dark → light">
      {ICON[theme]} {LABEL[theme]}
    </button>
  );
}
