/**
 * Contract methods of the scheduler (D6): what runs where, what waits and why, and the
 * steps that were dead-lettered after failing every attempt. The Targets page and
 * `sgr queue` read the same shape.
 */
import { z } from 'zod';
import { failureClassSchema } from './plan';

export const QUEUE_ENTRY_STATES = ['queued', 'running', 'preempting'] as const;

/** One job attempt the scheduler knows about: waiting for a slot, holding one, or being preempted. */
export const queueEntrySchema = z.object({
  /** The job id: `<runId>.<stepId>.<attempt>`. */
  jobKey: z.string(),
  runId: z.string(),
  stepId: z.string(),
  attempt: z.number().int(),
  target: z.string(),
  /** Higher is admitted first; equal priorities are admitted in arrival order. */
  priority: z.number().int(),
  preemptible: z.boolean(),
  state: z.enum(QUEUE_ENTRY_STATES),
  resources: z.object({ cpus: z.number().optional(), memoryMb: z.number().optional(), gpus: z.number().optional() }),
  enqueuedAt: z.number(),
  admittedAt: z.number().nullable(),
  /** Why a queued entry is not running yet ("target local: 2 of 2 jobs running"), else null. */
  waitReason: z.string().nullable(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

/** A step that failed all its attempts (poison job): kept aside, the rest of the run went on. */
export const deadLetterSchema = z.object({
  runId: z.string(),
  stepId: z.string(),
  target: z.string(),
  attempts: z.number().int(),
  failureClass: failureClassSchema,
  error: z.string().nullable(),
  deadAt: z.number(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** Slot accounting of one target (totals null when the target does not declare them). */
export const targetSlotsSchema = z.object({
  target: z.string(),
  maxJobs: z.number().int(),
  maxJobsPerRun: z.number().int().nullable(),
  running: z.number().int(),
  queued: z.number().int(),
  /** Bound of the target's queue (backpressure): a further attempt waits for room. */
  maxQueued: z.number().int(),
  cpusUsed: z.number(),
  cpusTotal: z.number().nullable(),
  gpusUsed: z.number(),
  gpusTotal: z.number().nullable(),
});
export type TargetSlots = z.infer<typeof targetSlotsSchema>;

export const queueListSchema = z.object({
  entries: z.array(queueEntrySchema),
  deadLetter: z.array(deadLetterSchema),
  slots: z.array(targetSlotsSchema),
});
export type QueueList = z.infer<typeof queueListSchema>;

export const schedMethods = {
  /** The scheduler's queue on this $SGR_HOME (every process's entries), the dead-letter list and per-target slots. */
  'queue.list': { input: z.strictObject({}), output: queueListSchema },
} as const;
