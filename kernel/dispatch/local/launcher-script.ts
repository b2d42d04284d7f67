/**
 * The bash program of the long-lived launcher. Node writes one job directory per line on
 * its stdin; for each line it forks a wrapper subshell that claims, runs and records the
 * job. Forking from bash costs far less Node main-thread time than child_process.spawn,
 * and the wrapper writes everything a restarted kernel needs to the job directory
 * (formats: job-dir.ts).
 *
 * Why each piece is there:
 * - `set -m`: every background job becomes the leader of its own process group, so a
 *   timeout can kill the job's whole tree with one signal, and a Ctrl-C or SIGKILL aimed
 *   at the kernel's group never reaches the jobs.
 * - the claim: `set -C` (noclobber) makes `>claim` an open(O_CREAT|O_EXCL), which is
 *   atomic: exactly one party (this wrapper, or a restarted kernel fencing a job it found
 *   unclaimed) wins, so a job id never runs twice. The loser prints `D`. `mkdir` would be
 *   just as atomic, but it is not a bash builtin: one more fork+exec per job (measured:
 *   the whole wrapper got ~25% slower).
 * - only builtins otherwise (no date, mv, cut) for the same reason. Files are written
 *   in one short printf; readers trust them only once their trailing newline is there.
 * - `trap ':' PIPE`: if the kernel died, printing S/E hits a closed pipe; a handler (not
 *   an ignore, which the job would inherit) turns that into a failed printf instead of
 *   killing the wrapper before it records the exit code.
 * - `trap ':' TERM` right after the claim, before the pid is published: the SIGTERM sent
 *   to the group stops the job but not the wrapper, which still writes `exit`. SIGKILL
 *   after the grace period kills both; then there is no `exit` file and the `killed` file
 *   tells why.
 * - `[ -e killed ]`: a cancel that lands between claim and start prevents the start.
 * - `( . job.sh )` rather than `/bin/sh job.sh`: the forked subshell already is a shell,
 *   so job.sh's `cd`/`export`/`exec` run without exec'ing /bin/sh first (measured: ~0.7 ms
 *   less per job). The subshell resets our traps, so the job gets default signals.
 *   job.sh stays plain POSIX sh: `sh job.sh` re-runs a job by hand.
 * - a function, so that bash has only `run "$jd"` to keep per background job.
 *
 * Output lines: `R <bash version>` ready (after the version check),
 * `S <pid> <dir>` started, `D <dir>` someone else owns it,
 * `E <code> <dir>` finished. Each is shorter than PIPE_BUF, so lines never interleave.
 */
// A plain template literal: bash's \${...} and printf's \\n are escaped for JavaScript.
export const LAUNCHER_SCRIPT = `
case \${BASH_VERSION-} in
  [4-9].[2-9]*|[5-9].*|[1-9][0-9].*) ;;
  *) echo "the SGR job launcher needs bash >= 4.2 (\$BASHPID, printf %()T), this is '\${BASH_VERSION-not bash}'" >&2; exit 2 ;;
esac
set -m
run() {
  jd=$1
  trap ':' PIPE
  set -C
  if ! { printf '%s\\n' "$BASHPID" >"$jd/claim"; } 2>/dev/null; then printf 'D %s\\n' "$jd"; exit 0; fi
  set +C
  trap ':' TERM
  if [ -n "\${EPOCHREALTIME-}" ]; then t=\${EPOCHREALTIME/[.,]/}; t=\${t%???}
  else printf -v t '%(%s)T' -1; t=\${t}000; fi
  printf '%s\\n' "$t" >"$jd/started"
  st=0
  if [ -r "/proc/$BASHPID/stat" ]; then
    IFS= read -r s <"/proc/$BASHPID/stat"
    s=\${s##*) }
    set -f; set -- $s; st=\${20:-0}
  fi
  printf '%s %s\\n' "$BASHPID" "$st" >"$jd/pid"
  printf 'S %s %s\\n' "$BASHPID" "$jd"
  if [ -e "$jd/killed" ]; then code=143
  else ( . "$jd/job.sh" ) </dev/null >"$jd/stdout.log" 2>"$jd/stderr.log"; code=$?
  fi
  printf '%s\\n' "$code" >"$jd/exit"
  printf 'E %s %s\\n' "$code" "$jd"
}
printf 'R %s\\n' "$BASH_VERSION"
while IFS= read -r jd; do
  ( run "$jd" ) </dev/null &
done
`;
