export type ThemeChoice = 'system' | 'light' | 'dark';

/** The theme shown for a choice: Auto ('system') follows the OS preference. */
export function resolveTheme(choice: ThemeChoice, systemDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}
