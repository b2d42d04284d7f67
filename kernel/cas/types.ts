/** Shared CAS result types. */

/** What a put stored. @example const { digest, size, existed } = await cas.putFile(p) */
export interface CasPut {
  digest: string;
  size: number;
  /** True when the content was already stored (deduplicated; nothing new was written). */
  existed: boolean;
}

/** One stored blob, as list() yields it. @example for await (const b of cas.list()) total += b.size */
export interface CasEntry {
  digest: string;
  size: number;
  mtimeMs: number;
}

/** A blob whose bytes no longer match its digest. */
export interface CasCorruptEntry {
  digest: string;
  /** Where the bad file is now: root/corrupt/… when quarantined, else its blob path. */
  path: string;
  /** Digest of what the file actually contains. */
  actual: string;
}

/** Progress callback: blobs done out of blobs total. */
export type CasProgress = (done: number, total: number) => void;
