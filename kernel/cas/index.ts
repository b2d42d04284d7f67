/** Public surface of the CAS (MISSION K5). Everything else in this folder is internal. */
export { Cas } from './cas';
export { isDigest, sha256Hex } from './digest';
export { CasCorruptError, CasDigestError, CasMissingError } from './errors';
export type { GcOptions, GcResult } from './gc';
export type { CasCorruptEntry, CasEntry, CasProgress, CasPut } from './types';
export type { VerifyOptions, VerifyResult } from './verify';
