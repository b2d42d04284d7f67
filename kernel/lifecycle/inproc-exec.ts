/** The execute phase of an in-process skill, with its context (CAS access, journaled effects). */
import type { PlanStep } from '../common/plan';
import type { InProcessSkill, SkillContext } from '../skills/api';
import { recordCompletion, recordIntent } from '../store/effects-repo';
import { checkLease, LeaseLostError } from '../store/lease';
import { StepFailure } from './failure';
import type { KernelServices, RunContext } from './context';
import type { Resolved } from './resolve';

export async function runInProcess(
  k: KernelServices,
  run: RunContext,
  step: PlanStep,
  attempt: number,
  skill: InProcessSkill,
  resolved: Resolved,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let effectSeq = 0;
  const ctx: SkillContext = {
    runId: run.runId,
    stepId: step.id,
    attempt,
    baseDir: run.plan.baseDir,
    inputs: resolved.inputs,
    async putArtifact(name, data) {
      const put = await k.cas.putBytes(data);
      return { $artifact: put.digest, size: put.size, name };
    },
    readArtifact: (ref) => k.cas.read(ref.$artifact),
    async effect(kind, detail, fn) {
      const key = { runId: run.runId, stepId: step.id, attempt, effectId: `${kind}.${effectSeq++}` };
      await k.journal.write((db) => {
        if (run.lease) checkLease(db, run.lease, k.now());
        recordIntent(db, key, kind, detail, k.now());
      });
      try {
        const value = await fn();
        await k.journal.write((db) => recordCompletion(db, key, 'done', k.now()));
        return value;
      } catch (err) {
        await k.journal.write((db) => recordCompletion(db, key, 'failed', k.now()));
        throw err;
      }
    },
    log: (message) => k.bus.emit('step.logAppended', { runId: run.runId, stepId: step.id, attempt, stream: 'stdout', text: `${message}\n` }),
  };
  try {
    return await skill.run(params, ctx);
  } catch (err) {
    // A skill's own exception fails its step, never the run; kernel errors pass through.
    if (err instanceof StepFailure || err instanceof LeaseLostError) throw err;
    throw new StepFailure('user_error', `step "${step.id}" (skill ${skill.name}): ${(err as Error).message ?? String(err)}`);
  }
}
