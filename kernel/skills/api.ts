/**
 * The skill plugin API (K12), version 1. A skill is a versioned manifest (name, version,
 * zod schemas, required capabilities) plus a handler that either runs in-process or
 * builds a job for a dispatcher. Skills reach kernel services only through the context.
 */
import type { z } from 'zod';
import type { ArtifactRef, Capability } from '../common/plan';
import type { ProtocolEvent } from '../dispatch/types';

export const SKILL_API_VERSION = 1;

export interface SkillManifest {
  name: string;
  /** Semver of the skill's behaviour; part of every cache key. Bump it when outputs change. */
  version: string;
  description: string;
  /** Capabilities a step must grant for this skill to run (checked in the authorize phase). */
  capabilities: Capability[];
  params: z.ZodType;
  /** Schema of the outputs object (checked in the verify phase). */
  outputs: z.ZodType;
  /**
   * Extra content that the cache key must cover beyond params, e.g. the digest of a script
   * or data file the params only name. Errors thrown here fail the step as user errors.
   */
  cacheInputs?(params: Record<string, unknown>, baseDir: string): Record<string, string>;
  /**
   * Target kinds (`docker`, `ssh`, …) the skill may run on; absent = any. Checked in the
   * authorize phase, so a sandbox skill never runs unconfined on the local machine.
   */
  targetKinds?: string[];
  /** Capabilities a step must NOT grant for this skill (e.g. `net` for untrusted code); checked in authorize. */
  forbiddenCapabilities?: Capability[];
}

export interface SkillContext {
  runId: string;
  stepId: string;
  attempt: number;
  /** Directory of the experiment file; relative paths in params are resolved against it. */
  baseDir: string;
  /** Named inputs after hydration. */
  inputs: Record<string, unknown>;
  /** Stores bytes in the CAS and returns the artifact reference for an output. */
  putArtifact(name: string, data: Uint8Array | string): Promise<ArtifactRef>;
  /** Reads an artifact, verified against its digest. */
  readArtifact(ref: ArtifactRef): Promise<Buffer>;
  /** An external effect (e.g. writing outside the CAS): journaled as intent, then completion. */
  effect<T>(kind: string, detail: Record<string, unknown>, fn: () => Promise<T>): Promise<T>;
  log(message: string): void;
}

export interface InProcessSkill extends SkillManifest {
  kind: 'inproc';
  /**
   * Outputs depend only on params and inputs (no clock, network or randomness): replay
   * re-executes the skill and checks its result bit for bit against the journal.
   */
  deterministic?: boolean;
  run(params: Record<string, unknown>, ctx: SkillContext): Promise<Record<string, unknown>>;
}

/** What a job skill asks a dispatcher to run; cwd is the step's own work directory. */
export interface JobBuild {
  argv: string[];
  env?: Record<string, string>;
  /** Files the job must produce (relative to its work directory), by output name. */
  outputs?: Record<string, string>;
  /** `pids`: the most processes the job may have at once (docker PidsLimit) — the sandbox's fork-bomb guard. */
  resources?: { cpus?: number; memoryMb?: number; gpus?: number; pids?: number };
  /** Local files/directories the job reads besides its work dir (see JobSpec.stage). */
  stage?: string[];
  /** Container image the skill needs on docker targets; the step's own `image` wins. */
  image?: string;
}

export interface JobBuildContext {
  runId: string;
  stepId: string;
  attempt: number;
  baseDir: string;
  /** Hydrated named inputs (artifacts already turned into paths relative to the work dir). */
  inputs: Record<string, unknown>;
}

/** A finished job as a skill sees it: files already in the CAS. */
export interface CollectedJob {
  exitCode: number | null;
  artifacts: Record<string, ArtifactRef>;
  events: ProtocolEvent[];
}

export interface JobSkill extends SkillManifest {
  kind: 'job';
  buildJob(params: Record<string, unknown>, ctx: JobBuildContext): JobBuild;
  /** Maps a successful job to the step's outputs. */
  collect(job: CollectedJob): Record<string, unknown>;
}

export type Skill = InProcessSkill | JobSkill;
