/**
 * The streaming write paths. Reading, hashing and writing overlap: while the main thread
 * hashes chunk k, the libuv pool reads chunk k+1 and writes chunk k-1.
 */
import { open } from 'node:fs/promises';
import type { CasLayout } from './layout';
import { TempBlob } from './temp-blob';
import { CHUNK_BYTES } from './tuning';
import type { CasPut } from './types';

/**
 * Stores a file in one pass over its bytes.
 * @example const { digest } = await ingestFile(layout, '/data/weights.bin')
 */
export async function ingestFile(layout: CasLayout, srcPath: string): Promise<CasPut> {
  const src = await open(srcPath, 'r');
  let blob: TempBlob | null = null;
  try {
    blob = await TempBlob.create(layout);
    // Three buffers: one being read into, one being hashed, one being written.
    const bufs = [0, 1, 2].map(() => Buffer.allocUnsafe(CHUNK_BYTES));
    const writes: Array<Promise<void>> = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
    let pos = 0;
    let k = 0;
    let next = src.read(bufs[0]!, 0, CHUNK_BYTES, 0);
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) break;
      const slot = k % 3;
      const nextSlot = (k + 1) % 3;
      // Buffer nextSlot last held chunk k-2: its write must be done before we refill it.
      await writes[nextSlot];
      blob.check();
      pos += bytesRead;
      next = src.read(bufs[nextSlot]!, 0, CHUNK_BYTES, pos);
      // If we bail out while this read is in flight, its failure must not go unhandled.
      next.catch(() => undefined);
      writes[slot] = blob.append([bufs[slot]!.subarray(0, bytesRead)]);
      k += 1;
    }
    return await blob.finish();
  } catch (e) {
    await blob?.abort();
    throw e;
  } finally {
    await src.close();
  }
}

/**
 * Stores everything a readable stream yields. Small chunks are gathered into one writev;
 * at most two batches are held, which is the back-pressure on the source.
 * @example await ingestStream(layout, Readable.from(['a', 'b']))
 */
export async function ingestStream(layout: CasLayout, stream: NodeJS.ReadableStream): Promise<CasPut> {
  const blob = await TempBlob.create(layout);
  try {
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    let inFlight: Promise<void> = Promise.resolve();
    for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      batch.push(bytes);
      batchBytes += bytes.byteLength;
      if (batchBytes >= CHUNK_BYTES) {
        await inFlight;
        blob.check();
        inFlight = blob.append(batch);
        batch = [];
        batchBytes = 0;
      }
    }
    // Never rejects; finish() awaits the queue and rethrows a write error.
    if (batch.length > 0) void blob.append(batch);
    return await blob.finish();
  } catch (e) {
    await blob.abort();
    throw e;
  }
}
