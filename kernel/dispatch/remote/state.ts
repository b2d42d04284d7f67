/**
 * One round trip tells the state of many remote jobs: a shell loop over job directories
 * prints their small files and log sizes. The order inside a block matters, as in
 * local/disk-state.ts: `exit` is read first, the pid is checked, `exit` is read again
 * for a dead pid, and the log sizes come last — so sizes printed after an `exit` are final.
 */
import { shellQuote } from '../local/job-dir';
import { phaseOf, type DiskState } from '../local/disk-state';
import type { JobPhase } from '../types';
import type { RemoteShell } from './shell';

/** What a remote job directory says. Sizes are byte counts of the three followed files. */
export interface RemoteState extends DiskState {
  /** The wrapper's process is alive on the host we asked (meaningless for Slurm: see RemoteLauncher.isAlive). */
  procAlive: boolean;
  started?: number;
  ended?: number;
  sizes: { stdout: number; stderr: number; events: number };
}

// Files are trusted only once their trailing newline is there (`read` fails without it).
const STATE_SCRIPT = `
line() { [ -f "$2" ] && IFS= read -r v <"$2" && printf '%s=%s\\n' "$1" "$v"; }
size() { n=$(wc -c <"$1" 2>/dev/null) || n=0; printf '%s' "\${n:-0}" | tr -d ' '; }
for jd in "$@"; do
  printf '@ %s\\n' "$jd"
  [ -d "$jd" ] || { echo missing=1; continue; }
  line exit "$jd/exit" || {
    p=; s=; { IFS=' ' read -r p s <"$jd/pid"; } 2>/dev/null || { IFS=' ' read -r p s <"$jd/claim"; } 2>/dev/null
    alive=0
    case $p in ''|*[!0-9]*) ;; *)
      if [ -r "/proc/$p/stat" ] && [ "\${s:-0}" != 0 ]; then
        IFS= read -r t <"/proc/$p/stat"; t=\${t##*') '}; set -f; set -- $t; set +f
        [ "\${20}" = "$s" ] && alive=1
      elif kill -0 "$p" 2>/dev/null; then alive=1; fi ;;
    esac
    echo "alive=$alive"
    [ "$alive" = 1 ] || line exit "$jd/exit"
  }
  [ -e "$jd/claim" ] && echo claimed=1
  line pid "$jd/pid"
  line killed "$jd/killed"
  line started "$jd/started"
  line ended "$jd/ended"
  echo "sizes=$(size "$jd/stdout.log") $(size "$jd/stderr.log") $(size "$jd/events.jsonl")"
done
`;


/** Parses the output of the state script into one RemoteState per job dir. */
export function parseStates(stdout: string): Map<string, RemoteState> {
  const out = new Map<string, RemoteState>();
  let cur: RemoteState | undefined;
  for (const raw of stdout.split('\n')) {
    if (raw.startsWith('@ ')) {
      cur = { exists: true, claimed: false, alive: false, procAlive: false, sizes: { stdout: 0, stderr: 0, events: 0 } };
      out.set(raw.slice(2), cur);
      continue;
    }
    const eq = raw.indexOf('=');
    if (!cur || eq < 0) continue;
    const key = raw.slice(0, eq);
    const value = raw.slice(eq + 1);
    if (key === 'missing') cur.exists = false;
    else if (key === 'exit' && /^\d+$/.test(value)) cur.exitCode = Number(value);
    else if (key === 'alive') cur.procAlive = cur.alive = value === '1';
    else if (key === 'claimed') cur.claimed = true;
    else if (key === 'pid') {
      const m = value.match(/^(\d+) (\d+)$/);
      if (m) cur.pid = { pid: Number(m[1]), startTime: m[2]! };
    } else if (key === 'killed' && (value === 'timeout' || value === 'cancel')) cur.killedBy = value;
    else if (key === 'started' && /^\d+$/.test(value)) cur.started = Number(value);
    else if (key === 'ended' && /^\d+$/.test(value)) cur.ended = Number(value);
    else if (key === 'sizes') {
      const [a, b, c] = value.split(' ').map(Number);
      cur.sizes = { stdout: a || 0, stderr: b || 0, events: c || 0 };
    }
  }
  for (const s of out.values()) if (s.exitCode !== undefined) s.claimed = true;
  return out;
}

/**
 * Reads the state of several job directories in one exec.
 * @example (await readStates(shell, ['/r/jobs/a.b.1'])).get('/r/jobs/a.b.1')?.exitCode
 */
export async function readStates(shell: RemoteShell, jobDirs: string[]): Promise<Map<string, RemoteState>> {
  if (jobDirs.length === 0) return new Map();
  const r = await shell.exec(`set -- ${jobDirs.map(shellQuote).join(' ')}\n${STATE_SCRIPT}`);
  if (r.code !== 0) throw new Error(`${shell.describe}: reading job state failed (exit ${r.code}): ${r.stderr.trim()}`);
  return parseStates(r.stdout);
}

/** The phase implied by a state (local rules: a claimed job whose wrapper died without `exit` is lost). */
export function remotePhase(state: RemoteState): JobPhase {
  return phaseOf(state);
}
