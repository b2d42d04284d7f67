/**
 * The launch dialog (U5). The editor opens it with the experiment's path and current text;
 * the runs page opens it for an example or a file. On launch it calls `runs.launch` and
 * reports the created run ids.
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError, call } from '../../api';
import { buildLaunch, EMPTY_FORM, fieldOfKernelError, type FieldError, type LaunchField, type LaunchForm } from './launch-form';
import { LaunchResult, type Launched } from './LaunchResult';
import { SweepSection } from './SweepSection';
import { TextField } from './TextField';
import { TagInput } from './TagInput';
import { useLaunchData } from './use-launch-data';
import './launch.css';

export interface LaunchDialogProps {
  /** The experiment file (recorded on the run; its directory resolves relative paths). */
  path: string;
  /** The text to run (the editor's unsaved buffer); the file's content when absent. */
  text?: string;
  onClose(): void;
  /**
   * The created runs. A single run is reported at once (the parent typically opens it); a
   * sweep's runs when the user leaves the dialog's result list (Close, a run link, "Compare
   * these runs"), so the list with the runs' live states stays on screen while they start.
   * onClose follows.
   */
  onLaunched(result: { launchId: string; runIds: string[] }): void;
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

export function LaunchDialog(props: LaunchDialogProps) {
  const { path, text, onClose, onLaunched } = props;
  const data = useLaunchData(path, text);
  const [form, setForm] = useState<LaunchForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [launched, setLaunched] = useState<Launched | null>(null);
  const set = (patch: Partial<LaunchForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors([]);
  };
  const built = buildLaunch(form, path, text);
  const invalid = (f: LaunchField): boolean => errors.some((e) => e.field === f);
  const cls = (f: LaunchField): string | undefined => (invalid(f) ? 'invalid' : undefined);

  // Leaving the result list reports the runs (with any a TPE sweep added since), then closes.
  const finish = (runIds?: string[]): void => {
    if (launched) onLaunched({ launchId: launched.launchId, runIds: runIds ?? launched.runIds });
    onClose();
  };
  const finishRef = useRef(finish);
  finishRef.current = finish;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') finishRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = async (): Promise<void> => {
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setBusy(true);
    try {
      const r = await call('runs.launch', built.input);
      if (built.input.sweep) setLaunched(r);
      else onLaunched(r);
    } catch (e) {
      const message = e instanceof ApiError || e instanceof Error ? e.message : String(e);
      setErrors([{ field: fieldOfKernelError(message), message }]);
    } finally {
      setBusy(false);
    }
  };

  const runs = built.runs;
  return (
    <div className="launch-overlay" onMouseDown={(e) => e.target === e.currentTarget && finish()}>
      <div role="dialog" aria-modal="true" aria-labelledby="launch-title" className="launch-dialog" data-testid="launch-dialog" data-loading={data.loading ? 'true' : 'false'} data-steps={data.steps.length}>
        <div className="launch-head">
          <h2 id="launch-title">
            Launch <span className="mono">{baseName(path)}</span>
          </h2>
          <button type="button" className="btn ghost" aria-label="close" onClick={() => finish()} data-testid="launch-close">
            ×
          </button>
        </div>
        {launched ? (
          <LaunchResult launched={launched} onDone={finish} />
        ) : (
          <form
            className="launch-form"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <div className="muted small mono wrap-any">{path}</div>
            {data.problem && (
              <div className="error-banner small" data-testid="launch-problem">
                {data.problem}
              </div>
            )}
            <div className="launch-grid">
              <label className="launch-field">
                <span>Target</span>
                <select value={form.target} onChange={(e) => set({ target: e.target.value })} data-testid="launch-target" className={cls('target')}>
                  {data.targets.map((t) => (
                    <option key={t.name} value={t.name} disabled={!t.available}>
                      {t.name}
                      {t.kind !== t.name ? ` (${t.kind})` : ''}
                      {t.available ? '' : ' — unavailable'}
                    </option>
                  ))}
                </select>
              </label>
              <TextField form={form} set={set} invalid={invalid} field="concurrency" label="Concurrency" testId="launch-concurrency" inputMode="numeric" placeholder="experiment's" />
              <TextField form={form} set={set} invalid={invalid} field="parallelRuns" label="Parallel runs" testId="launch-parallel" inputMode="numeric" />
              <TextField form={form} set={set} invalid={invalid} field="maxMinutes" label="Max minutes" testId="launch-max-minutes" inputMode="decimal" placeholder="no cap" />
              <TextField form={form} set={set} invalid={invalid} field="maxRuns" label="Max runs" testId="launch-max-runs" inputMode="numeric" placeholder="no cap" />
            </div>
            <div className="launch-field wide">
              <span>Tags</span>
              <TagInput tags={form.tags} onChange={(tags) => set({ tags })} testId="launch-tags" />
            </div>
            <label className="check launch-sweep-toggle">
              <input type="checkbox" checked={form.sweepOn} onChange={(e) => set({ sweepOn: e.target.checked })} data-testid="launch-sweep-toggle" /> Sweep a parameter (one run per value)
            </label>
            {form.sweepOn && <SweepSection form={form} set={set} steps={data.steps} skills={data.skills} text={data.text ?? ''} invalid={invalid} />}
            {errors.length > 0 && (
              <div className="error-banner launch-error" role="alert" data-testid="launch-error" data-field={errors[0]!.field ?? ''}>
                {errors.map((e, i) => (
                  <div key={i}>{e.message}</div>
                ))}
              </div>
            )}
            <div className="launch-foot">
              <span className="muted" data-testid="launch-run-count" data-runs={runs ?? ''}>
                {runs === null ? 'Fill in the sweep to see how many runs' : `${runs} run${runs === 1 ? '' : 's'} will be launched`}
              </span>
              <div className="spacer" />
              <button type="button" className="btn" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="btn primary" disabled={busy} data-testid="launch-submit">
                {busy ? 'Launching…' : 'Launch'}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
