/**
 * A shell on the machine where remote jobs live (D4, D5). The SSH dispatcher implements it
 * over ssh2 (exec channels + SFTP); the Slurm dispatcher runs sbatch/squeue/sacct/scancel
 * through it, over SSH to a login node or on this machine (`LocalShell`). Both share the
 * detached remote job directory (remote/job-dir) on top of it.
 */

/** The result of one command. `code` is null only when the command was killed by a signal. */
export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

/**
 * The connection went away while a command or transfer ran (ssh2 emits `close` without an
 * exit status when the server side dies). Never read as success: the caller reconnects
 * and asks again; commands through RemoteShell are written to be safe to repeat.
 */
export class ConnectionLostError extends Error {
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(`${target}: ${message}`);
  }
}

export interface RemoteShell {
  /** For messages: `ssh me@gpu1:22`, `local`. */
  readonly describe: string;
  /** Runs `command` with /bin/sh on the remote side. Throws ConnectionLostError, never returns a made-up code. */
  exec(command: string, opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** Bytes of a remote file from `offset` (at most maxBytes); empty when the file does not exist yet. */
  read(path: string, offset: number, maxBytes: number): Promise<Buffer>;
  /** Copies a local file to the remote path (parents created); returns the sha256 the remote side computed. */
  upload(localPath: string, remotePath: string): Promise<{ sha256: string; bytes: number }>;
  /**
   * Uploads many files with two remote commands in all (one `mkdir -p` for the parents,
   * one `sha256sum` for the check) — a remote exec costs a process start on the server,
   * an SFTP write does not. Results in the order of `files`. (Added by the ssh helper.)
   */
  uploadMany(files: Array<{ local: string; remote: string }>): Promise<Array<{ sha256: string; bytes: number }>>;
  /** Writes a small remote file (parents must exist). (Added by the ssh helper.) */
  writeFile(path: string, data: string | Buffer): Promise<void>;
  /** Copies a remote file to the local path; checks the remote sha256 against the bytes received. */
  download(remotePath: string, localPath: string): Promise<{ sha256: string; bytes: number }>;
  close(): Promise<void>;
}
