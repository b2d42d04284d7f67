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
function ownerIsDead(owner: string): boolean {
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
      const row = stmt(db, 'SELECT lease_owner, lease_token, lease_expires_at FROM runs WHERE id = ?').get(runId) as
        | { lease_owner: string | null; lease_token: number; lease_expires_at: number }
        | undefined;
      if (!row) throw new Error(`no run with id ${runId}`);
      const held = row.lease_owner !== null && row.lease_expires_at > now && !ownerIsDead(row.lease_owner);
      if (held && row.lease_owner !== owner) {
        throw new LeaseHeldError(runId, row.lease_owner as string, row.lease_expires_at - now);
      }
      const token = row.lease_token + 1;
      stmt(db, 'UPDATE runs SET lease_owner = ?, lease_token = ?, lease_expires_at = ? WHERE id = ?').run(
        owner,
        token,
        now + LEASE_TTL_MS,
        runId,
      );
      return { runId, owner, token };
    })
    .immediate();
}

/** Renews and checks the lease; call inside every write transaction of the holder. */
export function checkLease(db: Db, lease: Lease, now: number): void {
  const r = stmt(
    db,
    'UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND lease_token = ?',
  ).run(now + LEASE_TTL_MS, lease.runId, lease.owner, lease.token);
  if (r.changes !== 1) throw new LeaseLostError(lease.runId);
}

export function releaseLease(db: Db, lease: Lease): void {
  stmt(
    db,
    'UPDATE runs SET lease_owner = NULL, lease_expires_at = 0 WHERE id = ? AND lease_owner = ? AND lease_token = ?',
  ).run(lease.runId, lease.owner, lease.token);
}
