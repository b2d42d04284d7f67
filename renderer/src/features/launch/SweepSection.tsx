/**
 * The sweep part of the launch form: one parameter of one step of the expanded plan, over a
 * list of values (grid), a sampled range (random) or TPE on an objective. No YAML to write:
 * the step list comes from experiments.check, the parameters from the file and the skill's
 * params schema.
 */
import { useMemo } from 'react';
import type { LaunchField, LaunchForm, SweepProtocol } from './launch-form';
import { paramChoices } from './sweep-params';
import { TextField } from './TextField';
import type { PlannedStep, Skill } from './use-launch-data';

interface Props {
  form: LaunchForm;
  set: (patch: Partial<LaunchForm>) => void;
  steps: PlannedStep[];
  skills: Skill[];
  text: string;
  invalid: (f: LaunchField) => boolean;
}

const PROTOCOLS: { value: SweepProtocol; label: string }[] = [
  { value: 'grid', label: 'Grid — the values listed' },
  { value: 'random', label: 'Random — sampled from a range' },
  { value: 'tpe', label: 'TPE — guided by an objective' },
];

export function SweepSection({ form, set, steps, skills, text, invalid }: Props) {
  const step = steps.find((s) => s.id === form.step) ?? null;
  const choices = useMemo(() => {
    if (!step) return [];
    const schema = skills.find((k) => k.name === step.skill)?.params;
    return paramChoices(text, step.source, schema);
  }, [step, skills, text]);
  const cls = (f: LaunchField): string | undefined => (invalid(f) ? 'invalid' : undefined);
  const pickStep = (id: string): void => {
    const s = steps.find((x) => x.id === id);
    const first = s ? paramChoices(text, s.source, skills.find((k) => k.name === s.skill)?.params)[0]?.path ?? '' : '';
    set({ step: id, param: first });
  };

  return (
    <div className="launch-sweep" data-testid="launch-sweep">
      <label className="launch-field">
        <span>Step</span>
        <select value={form.step} onChange={(e) => pickStep(e.target.value)} data-testid="launch-sweep-step" className={cls('step')}>
          <option value="">— choose a step —</option>
          {steps.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id} · {s.skill}
            </option>
          ))}
        </select>
      </label>
      <label className="launch-field">
        <span>Parameter</span>
        {choices.length > 0 ? (
          <select value={form.param} onChange={(e) => set({ param: e.target.value })} data-testid="launch-sweep-param" className={cls('param')}>
            <option value="">— choose a parameter —</option>
            {choices.map((c) => (
              <option key={c.path} value={c.path}>
                {c.path}
                {c.set ? '' : ' (default)'}
              </option>
            ))}
          </select>
        ) : (
          <input value={form.param} placeholder="e.g. lr or overrides.rank" onChange={(e) => set({ param: e.target.value })} data-testid="launch-sweep-param" className={cls('param')} />
        )}
      </label>
      <label className="launch-field">
        <span>Protocol</span>
        <select value={form.protocol} onChange={(e) => set({ protocol: e.target.value as SweepProtocol })} data-testid="launch-sweep-protocol">
          {PROTOCOLS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {form.protocol === 'grid' ? (
        <label className="launch-field wide">
          <span>Values</span>
          <input value={form.values} placeholder="e.g. 0.1, 0.2, 0.3" onChange={(e) => set({ values: e.target.value })} data-testid="launch-sweep-values" className={cls('values')} />
        </label>
      ) : (
        <RangeFields form={form} set={set} invalid={invalid} />
      )}
    </div>
  );
}

function RangeFields({ form, set, invalid }: Pick<Props, 'form' | 'set' | 'invalid'>) {
  return (
    <>
      <div className="launch-row">
        <TextField form={form} set={set} invalid={invalid} field="low" label="Low" testId="launch-sweep-low" inputMode="decimal" />
        <TextField form={form} set={set} invalid={invalid} field="high" label="High" testId="launch-sweep-high" inputMode="decimal" />
        <label className="check">
          <input type="checkbox" checked={form.log} onChange={(e) => set({ log: e.target.checked })} data-testid="launch-sweep-log" /> log
        </label>
        <label className="check">
          <input type="checkbox" checked={form.int} onChange={(e) => set({ int: e.target.checked })} data-testid="launch-sweep-int" /> integer
        </label>
      </div>
      <div className="launch-row">
        <TextField form={form} set={set} invalid={invalid} field="trials" label="Trials" testId="launch-sweep-trials" inputMode="numeric" />
        <TextField form={form} set={set} invalid={invalid} field="seed" label="Seed" testId="launch-sweep-seed" inputMode="numeric" />
      </div>
      {form.protocol === 'tpe' && (
        <div className="launch-row">
          <TextField form={form} set={set} invalid={invalid} field="objective" label="Objective" testId="launch-sweep-objective" placeholder="<step>.<metric>, e.g. train.loss" wide />
          <label className="launch-field">
            <span>Direction</span>
            <select value={form.direction} onChange={(e) => set({ direction: e.target.value as LaunchForm['direction'] })} data-testid="launch-sweep-direction">
              <option value="minimize">minimize</option>
              <option value="maximize">maximize</option>
            </select>
          </label>
        </div>
      )}
    </>
  );
}
