/**
 * CAS errors. Each carries the digest (and path where there is one) as fields, so callers
 * can act on them, and in its message, so a log line alone says what broke and where.
 */

/**
 * A blob's bytes no longer hash to its name: disk corruption or an outside write.
 * @example if (e instanceof CasCorruptError) log(`${e.digest} at ${e.path} hashes to ${e.actual}`)
 */
export class CasCorruptError extends Error {
  override readonly name = 'CasCorruptError';
  constructor(
    readonly digest: string,
    readonly path: string,
    readonly actual: string,
  ) {
    super(`CAS blob ${digest} at ${path} is corrupt: its content hashes to ${actual}`);
  }
}

/**
 * No blob is stored under this digest.
 * @example if (e instanceof CasMissingError) await refetch(e.digest)
 */
export class CasMissingError extends Error {
  override readonly name = 'CasMissingError';
  constructor(
    readonly digest: string,
    readonly path: string,
  ) {
    super(`CAS blob ${digest} is missing (expected at ${path})`);
  }
}

/**
 * A string passed as a digest is not `sha256:<64 lowercase hex>`.
 * @example new CasDigestError('sha256:XYZ', 'Cas.read') // message names the value and the call
 */
export class CasDigestError extends TypeError {
  override readonly name = 'CasDigestError';
  constructor(
    readonly value: string,
    where: string,
  ) {
    super(`${where}: invalid digest ${JSON.stringify(value)}: expected "sha256:" followed by 64 lowercase hex digits`);
  }
}
