/**
 * `experiments.check`: loads text with the kernel's own loader, validates it with the
 * kernel's validator, and predicts the cache — exactly what `sgr run` would do with the
 * file, without running anything.
 */
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { Kernel } from '../api/kernel';
import type { EditorProblem, ExperimentCheck } from '../common/contract-editor';
import { effectiveDeps } from '../common/validate-plan';
import { SWEEP_KINDS } from '../plan/sweep-schema';
import { ExperimentError, parseExperiment, type LoadedExperiment } from '../plan/load-experiment';
import { predictCache } from './predict';
import { loadProblems, planProblems, sourceOf } from './problems';

/** Where unsaved text is taken to live: relative params resolve against the working directory. */
const UNTITLED = 'untitled.yaml';

/**
 * @example checkExperiment(kernel, 'name: x\nsteps:\n  a: { skill: noop }\n').summary // { steps: 1, hits: 0, willRun: 1, unknown: 0 }
 */
export function checkExperiment(kernel: Kernel, text: string, path?: string): ExperimentCheck {
  let loaded: LoadedExperiment;
  try {
    loaded = parseExperiment(text, resolve(path ?? UNTITLED));
  } catch (err) {
    if (!(err instanceof ExperimentError)) throw err;
    return result(loadProblems(err.problems), [], []);
  }
  const problems = planProblems(loaded, kernel.validate(loaded.plan));
  const cache = predictCache(kernel.services(), loaded.plan);
  const steps = loaded.plan.steps.map((s) => ({
    id: s.id,
    skill: s.skill,
    source: sourceOf(loaded.origins, s.id),
    deps: effectiveDeps(s),
    cache: cache.get(s.id) ?? 'unknown',
  }));
  return result(problems, steps, sweepsOf(loaded, text));
}

function result(problems: EditorProblem[], steps: ExperimentCheck['steps'], sweeps: ExperimentCheck['sweeps']): ExperimentCheck {
  const count = (c: string) => steps.filter((s) => s.cache === c).length;
  return {
    ok: problems.length === 0,
    problems,
    steps,
    sweeps,
    summary: { steps: steps.length, hits: count('hit'), willRun: count('run'), unknown: count('unknown') },
  };
}

/** Each sweep with its protocol (the one search key it has) and its number of trials. */
function sweepsOf(loaded: LoadedExperiment, text: string): ExperimentCheck['sweeps'] {
  if (loaded.trials.length === 0) return [];
  // The loader keeps no raw data; the text loaded cleanly, so it parses again.
  const raw = (parse(text, { merge: true }) ?? {}) as { sweeps?: Record<string, Record<string, unknown>> };
  const names = [...new Set(loaded.trials.map((t) => t.sweep))];
  return names.map((name) => ({
    name,
    protocol: SWEEP_KINDS.find((k) => raw.sweeps?.[name]?.[k] !== undefined) ?? 'unknown',
    trials: loaded.trials.filter((t) => t.sweep === name).length,
  }));
}
