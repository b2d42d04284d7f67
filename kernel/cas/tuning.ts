/**
 * I/O sizes of the CAS, measured with bench/cas-ingest.ts (see the numbers in its
 * output). On a 2-vCPU ext4 VM: 1 MiB chunks leave the pipeline waiting on per-call
 * overhead, 8 MiB chunks fall out of cache while being hashed; 2–4 MiB is the plateau.
 */

/** Read/write chunk of the streaming paths. @example Buffer.allocUnsafe(CHUNK_BYTES) */
export const CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * A large write starts a background fdatasync every this many bytes, so the disk flush
 * overlaps hashing instead of all landing in the final fsync. 0 disables.
 * @example if (written - synced >= EARLY_SYNC_BYTES) void fh.datasync()
 */
export const EARLY_SYNC_BYTES = 64 * 1024 * 1024;
