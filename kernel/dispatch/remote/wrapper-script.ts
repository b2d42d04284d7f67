/**
 * `run.sh`, the wrapper that runs a remote job detached from the connection that started
 * it. Plain POSIX sh (dash, busybox) — a remote host need not have bash. It writes the
 * same files as the local launcher's wrapper (local/launcher-script.ts) plus `ended`:
 *
 * - the claim: `set -C` makes `>claim` an O_CREAT|O_EXCL open, so a start that is sent
 *   twice (a retry after a dropped connection, a restarted kernel) runs the job once.
 * - `trap ':' TERM`: a TERM to the job's process group stops the job but the wrapper
 *   still records `exit`; the subshell running job.sh gets default signal handling back.
 * - the watchdog (timeoutMs > 0) lives on the remote side, so a timeout is enforced even
 *   while the app is closed or the network is down: it records `killed` (=timeout), sends
 *   TERM to the group, then KILL after the grace period.
 * - `ended` (epoch ms, remote clock) lets the local mirror compute the duration with one
 *   clock instead of mixing the remote start with a local end.
 *
 * `kill -TERM -<pgid>` without `--`: dash's kill builtin rejects `--`.
 *
 * Started as `sh run.sh <jobdir>` by a RemoteLauncher: `setsid -f` (own session and
 * process group: pid = pgid, so `kill -- -<pid>` reaches the whole tree) or `sbatch`.
 */
import { shellQuote } from '../local/job-dir';

export interface WrapperOptions {
  /** Kill the job after this many ms (0 = never); rounded up to whole seconds. */
  timeoutMs: number;
  /** TERM → KILL grace for the timeout watchdog, ms. */
  graceMs: number;
}

/**
 * @example renderWrapper({ timeoutMs: 0, graceMs: 5000 }) // '#!/bin/sh\n# SGR remote job wrapper…'
 */
export function renderWrapper(opts: WrapperOptions): string {
  const timeoutS = Math.ceil(opts.timeoutMs / 1000);
  const graceS = Math.max(1, Math.ceil(opts.graceMs / 1000));
  return `#!/bin/sh
# SGR remote job wrapper: sh run.sh <jobdir>
jd=$1
now_ms() { t=$(date +%s%3N 2>/dev/null); case $t in ''|*[!0-9]*) t=$(date +%s)000 ;; esac; printf '%s\\n' "$t"; }
st=0
if [ -r /proc/$$/stat ]; then
  IFS= read -r s </proc/$$/stat
  s=\${s##*') '}
  set -f; set -- $s; st=\${20:-0}; set +f
fi
set -C
if ! { printf '%s %s\\n' "$$" "$st" >"$jd/claim"; } 2>/dev/null; then exit 0; fi
set +C
trap ':' TERM
now_ms >"$jd/started"
printf '%s %s\\n' "$$" "$st" >"$jd/pid"
watchdog() {
  trap '' TERM
  n=0
  while [ "$n" -lt ${timeoutS} ] && [ ! -e "$jd/exit" ]; do sleep 1; n=$((n + 1)); done
  [ -e "$jd/exit" ] && exit 0
  ( set -C; printf 'timeout\\n' >"$jd/killed" ) 2>/dev/null
  kill -TERM -$$ 2>/dev/null
  n=0
  while [ "$n" -lt ${graceS} ] && [ ! -e "$jd/exit" ]; do sleep 1; n=$((n + 1)); done
  [ -e "$jd/exit" ] || kill -KILL -$$ 2>/dev/null
}
if [ -e "$jd/killed" ]; then code=143
else
  ${timeoutS > 0 ? 'watchdog </dev/null >/dev/null 2>&1 &' : ':'}
  ( . "$jd/job.sh" ) </dev/null >"$jd/stdout.log" 2>"$jd/stderr.log"; code=$?
fi
now_ms >"$jd/ended"
printf '%s\\n' "$code" >"$jd/exit"
`;
}

/**
 * Shell that signals a job's process group: TERM now, KILL after `graceMs` unless `exit`
 * appeared — the KILL is scheduled by a detached remote sleeper, so it happens even if
 * the connection drops right after. `reason` (cancel/timeout) is recorded first in
 * `killed` (first reason wins); a preemption records nothing: the job's own exit code
 * (75 after checkpointing) tells what happened.
 * @example signalGroupCommand('/r/jobs/x', 'cancel', 5000)
 */
export function signalGroupCommand(jobDir: string, reason: 'timeout' | 'cancel' | undefined, graceMs: number): string {
  const graceS = Math.max(1, Math.ceil(graceMs / 1000));
  return [
    `jd=${shellQuote(jobDir)}`,
    reason ? `( set -C; printf '%s\\n' ${reason} >"$jd/killed" ) 2>/dev/null` : ':',
    `[ -e "$jd/exit" ] && exit 0`,
    `p=; { IFS=' ' read -r p _ <"$jd/pid"; } 2>/dev/null`,
    `[ -n "$p" ] || exit 0`,
    `kill -TERM -"$p" 2>/dev/null`,
    `setsid -f sh -c 'sleep ${graceS}; [ -e "$1/exit" ] || kill -KILL -"$2" 2>/dev/null' sh "$jd" "$p" </dev/null >/dev/null 2>&1`,
    'exit 0',
  ].join('\n');
}
