/**
 * Digest strings. A digest names an algorithm so the store can change hash later
 * without ambiguity; today only `sha256:<64 lowercase hex>` exists.
 */
import { createHash } from 'node:crypto';
import { CasDigestError } from './errors';

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** The prefix every digest starts with. Example: `DIGEST_PREFIX + sha256Hex('x')`. */
export const DIGEST_PREFIX = 'sha256:';

/**
 * Plain lowercase hex SHA-256 of bytes or of a UTF-8 string.
 * @example sha256Hex('abc') // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * True when `s` is a well-formed digest (lowercase hex only, so one content has one name).
 * @example isDigest('sha256:' + '0'.repeat(64)) // true
 */
export function isDigest(s: string): boolean {
  return typeof s === 'string' && DIGEST_RE.test(s);
}

/**
 * The hex part of a digest; throws CasDigestError naming the bad value.
 * @example digestHex('sha256:' + 'ab'.repeat(32)) // 'abab…'
 */
export function digestHex(digest: string, where: string): string {
  if (!isDigest(digest)) throw new CasDigestError(digest, where);
  return digest.slice(DIGEST_PREFIX.length);
}
