/** Documented exit codes of `sgr` (README "Exit codes"). Scripts can rely on them. */
export const EXIT = {
  OK: 0,
  /** The run finished FAILED (a step failed). */
  RUN_FAILED: 1,
  /** Bad input: unreadable or invalid experiment, bad arguments. */
  USAGE: 2,
  /** The run is being executed by another process (lease held). */
  BUSY: 3,
  /** `sgr replay` found a divergence; `sgr cas verify` found corruption. */
  DIVERGED: 4,
  /** No such run / step. */
  NOT_FOUND: 5,
  /** Interrupted (Ctrl-C): the run is ABORTED and can be resumed. */
  INTERRUPTED: 130,
  /** A bug or an environment failure; the message says which. */
  INTERNAL: 70,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
