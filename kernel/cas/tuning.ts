/**
 * I/O sizes of the CAS, chosen with bench/cas-ingest.ts on a 2-vCPU ext4 VM (1 GiB,
 * warm page cache). SHA-256 on the main thread (~0.63 s/GiB with SHA-NI) is the critical
 * path; these settings only decide how much of the I/O hides behind it.
 */

/**
 * Read/write chunk of the streaming paths. 1 MiB pays visibly in per-call overhead;
 * 2 and 4 MiB were indistinguishable within the VM's noise, 8 MiB was slower.
 * @example Buffer.allocUnsafe(CHUNK_BYTES)
 */
export const CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * A large write starts a background fdatasync every this many bytes, so the disk flush
 * overlaps hashing instead of all landing in the final fsync (measured: the final fsync
 * of 1 GiB drops from ~0.53 s to ~0.03 s; best-case putFile 1.16 s → 0.78 s). 0 disables.
 * @example if (written - synced >= EARLY_SYNC_BYTES) void fh.datasync()
 */
export const EARLY_SYNC_BYTES = 32 * 1024 * 1024;

/**
 * Files up to this size are read whole and stored through the in-memory path (hash first,
 * then one write): cheaper than setting up the streaming pipeline with its 2 MiB buffers.
 * @example if (size <= SMALL_FILE_BYTES) return putBytes(layout, await readFile(path))
 */
export const SMALL_FILE_BYTES = 1024 * 1024;
