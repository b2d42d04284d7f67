/**
 * JSON columns. Payloads over SPILL_BYTES go to the CAS and the column keeps only
 * `{"$cas":"sha256:…"}`, so a huge job result never bloats the journal or its WAL.
 */
export const SPILL_BYTES = 64 * 1024;

/** The CAS operations the journal needs (kernel/cas's Cas satisfies it). */
export interface BlobSink {
  putBytesSync(data: string): { digest: string };
  readSync(digest: string): Buffer;
}

export interface Encoded {
  text: string;
  /** Digest of the spilled payload, when it spilled; the caller records a blob ref. */
  spilled: string | null;
}

/** @example encodeJson({ a: 1 }, cas).text === '{"a":1}' */
export function encodeJson(value: unknown, sink: BlobSink | null): Encoded {
  const text = JSON.stringify(value ?? null);
  if (sink === null || Buffer.byteLength(text) <= SPILL_BYTES) return { text, spilled: null };
  const { digest } = sink.putBytesSync(text);
  return { text: JSON.stringify({ $cas: digest }), spilled: digest };
}

export function decodeJson<T = unknown>(text: string | null, sink: BlobSink | null): T | null {
  if (text === null) return null;
  const value = JSON.parse(text) as unknown;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const digest = (value as { $cas?: unknown }).$cas;
    if (keys.length === 1 && typeof digest === 'string') {
      if (!sink) throw new Error(`journal value was spilled to the CAS (${digest}) but no CAS is available`);
      return JSON.parse(sink.readSync(digest).toString('utf8')) as T;
    }
  }
  return value as T;
}
