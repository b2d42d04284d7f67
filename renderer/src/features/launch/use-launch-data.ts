/**
 * What the launch dialog needs from the kernel: the targets, the experiment's text (the
 * editor's buffer, or the file), its expanded steps (experiments.check) and the skills'
 * param schemas. Each part fails on its own: a missing target list still lets one launch
 * locally, a text that does not check still shows why.
 */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../kernel/common/contract';
import { call } from '../../api';

export type Target = MethodOutput<'targets.list'>[number];
export type PlannedStep = MethodOutput<'experiments.check'>['steps'][number];
export type Skill = MethodOutput<'skills.list'>[number];

export interface LaunchData {
  targets: Target[];
  text: string | null;
  steps: PlannedStep[];
  skills: Skill[];
  /** Why the experiment cannot be expanded (load error, first problem), if so. */
  problem: string | null;
  loading: boolean;
}

const LOCAL: Target[] = [{ name: 'local', kind: 'local', available: true }];
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function useLaunchData(path: string, text: string | undefined): LaunchData {
  const [data, setData] = useState<LaunchData>({ targets: LOCAL, text: text ?? null, steps: [], skills: [], problem: null, loading: true });
  useEffect(() => {
    let live = true;
    const patch = (p: Partial<LaunchData>): void => {
      if (live) setData((d) => ({ ...d, ...p }));
    };
    call('targets.list', {})
      .then((targets) => patch({ targets: targets.length ? targets : LOCAL }))
      .catch(() => patch({ targets: LOCAL }));
    call('skills.list', {})
      .then((skills) => patch({ skills }))
      .catch(() => undefined);
    const load = async (): Promise<void> => {
      let t = text;
      if (t === undefined) {
        try {
          t = (await call('experiments.read', { path })).text;
        } catch (e) {
          patch({ problem: `Cannot read ${path}: ${message(e)}`, loading: false });
          return;
        }
      }
      patch({ text: t });
      try {
        const check = await call('experiments.check', { text: t, path });
        const first = check.problems[0];
        patch({
          steps: check.steps,
          loading: false,
          problem: check.ok || !first ? null : `${first.stepId ? `step ${first.stepId}, ` : ''}${first.field} (line ${first.line}): ${first.message}`,
        });
      } catch (e) {
        patch({ problem: `Cannot check the experiment: ${message(e)}`, loading: false });
      }
    };
    void load();
    return () => {
      live = false;
    };
  }, [path, text]);
  return data;
}
