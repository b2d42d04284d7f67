/** Where SGR keeps its data: `$SGR_HOME`, else `$XDG_DATA_HOME/sgr`, else `~/.local/share/sgr`. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HomeLayout {
  home: string;
  journal: string;
  cas: string;
  jobs: string;
  work: string;
}

/** @example layout('/tmp/sgr').journal === '/tmp/sgr/journal.db' */
export function layout(home: string): HomeLayout {
  const h = resolve(home);
  return { home: h, journal: join(h, 'journal.db'), cas: join(h, 'cas'), jobs: join(h, 'jobs'), work: join(h, 'work') };
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SGR_HOME) return env.SGR_HOME;
  const xdg = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(xdg, 'sgr');
}
