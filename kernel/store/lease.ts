/**
 * The execution lease of a run, with a fencing token. Exactly one process may execute a
 * run; every journal write of the holder re-checks its token, so a process that lost its
 * lease (paused, then overtaken) can never write over the new holder's work.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from './db';
import { stmt } from './sql';

export const LEASE_TTL_MS = 15_000;

export interface Lease {
  runId: string;
  owner: string;
  token: number;
}

export class LeaseHeldError extends Error {
  readonly code = 'RUN_BUSY';
  constructor(
    readonly runId: string,
    readonly holder: string,
    readonly expiresInMs: number,
  ) {
    super(
      `run ${runId} is being executed by another process (${describeOwner(holder)}; lease expires in ${Math.ceil(
        expiresInMs / 1000,
      )} s unless renewed) — wait for it to finish, or stop that process first`,
    );
  }
}

export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
  constructor(readonly runId: string) {
    super(`lost the lease of run ${runId}: another process took it over; this process stops writing`);
  }
}

/** Owner strings are `host:pid:nonce` — the nonce tells two lives of one pid apart. */
export function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function describeOwner(owner: string): string {
  const [host, pid] = owner.split(':');
  return `pid ${pid} on ${host}`;
}

/** A holder on this host whose process is gone cannot renew: its lease is void now. */
export function ownerIsDead(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Takes the lease of `runId` or throws LeaseHeldError. Atomic across processes
 * (BEGIN IMMEDIATE serialises writers on the database file).
 * @example const lease = acquireLease(db, runId, newOwner(), Date.now())
 */
export function acquireLease(db: Db, runId: string, owner: string, now: number): Lease {
  return db
    .transaction((): Lease => {
      if (!stmt(db, 'SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new Error(`no run with id ${runId}`);
      const row = (stmt(db, 'SELECT owner, token, expires_at FROM run_leases WHERE run_id = ?').get(runId) as
        | { owner: string | null; token: number; expires_at: number }
        | undefined) ?? { owner: null, token: 0, expires_at: 0 };
      const held = row.owner !== null && row.expires_at > now && !ownerIsDead(row.owner);
      if (held && row.owner !== owner) {
        throw new LeaseHeldError(runId, row.owner as string, row.expires_at - now);
      }
      const token = row.token + 1;
      stmt(
        db,
        `INSERT INTO run_leases (run_id, owner, token, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at`,
      ).run(runId, owner, token, now + LEASE_TTL_MS);
      return { runId, owner, token };
    })
    .immediate();
}

/**
 * Checks the fencing token; call inside every write transaction of the holder. Read-only,
 * so a commit dirties no extra page: renewal is renewLease's job, on a timer.
 */
export function checkLease(db: Db, lease: Lease, _now: number): void {
  const row = stmt(db, 'SELECT owner, token FROM run_leases WHERE run_id = ?').get(lease.runId) as
    | { owner: string | null; token: number }
    | undefined;
  if (!row || row.owner !== lease.owner || row.token !== lease.token) throw new LeaseLostError(lease.runId);
}

/** Extends the lease by LEASE_TTL_MS; throws LeaseLostError if someone else holds it now. */
export function renewLease(db: Db, lease: Lease, now: number): void {
  const r = stmt(db, 'UPDATE run_leases SET expires_at = ? WHERE run_id = ? AND owner = ? AND token = ?').run(
    now + LEASE_TTL_MS,
    lease.runId,
    lease.owner,
    lease.token,
  );
  if (r.changes !== 1) throw new LeaseLostError(lease.runId);
}

/**
 * The owner executing `runId` right now (an unexpired lease whose process is alive), or null.
 * @example liveLeaseHolder(db, runId, Date.now()) // 'host:4242:9f3a…' while `sgr run` executes it
 */
export function liveLeaseHolder(db: Db, runId: string, now: number): string | null {
  const row = stmt(db, 'SELECT owner, expires_at FROM run_leases WHERE run_id = ?').get(runId) as { owner: string | null; expires_at: number } | undefined;
  return row?.owner && row.expires_at > now && !ownerIsDead(row.owner) ? row.owner : null;
}

export function releaseLease(db: Db, lease: Lease): void {
  stmt(
    db,
    'UPDATE run_leases SET owner = NULL, expires_at = 0 WHERE run_id = ? AND owner = ? AND token = ?',
  ).run(lease.runId, lease.owner, lease.token);
}
