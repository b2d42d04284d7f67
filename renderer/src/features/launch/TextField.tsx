/** One labelled text input of the launch form, marked invalid when the form's check names its field. */
import type { LaunchField, LaunchForm } from './launch-form';

type TextKey = 'concurrency' | 'parallelRuns' | 'maxMinutes' | 'maxRuns' | 'low' | 'high' | 'trials' | 'seed' | 'objective';

interface Props {
  form: LaunchForm;
  set: (patch: Partial<LaunchForm>) => void;
  invalid: (f: LaunchField) => boolean;
  field: TextKey;
  label: string;
  testId: string;
  inputMode?: 'numeric' | 'decimal';
  placeholder?: string;
  wide?: boolean;
}

export function TextField({ form, set, invalid, field, label, testId, inputMode, placeholder, wide }: Props) {
  return (
    <label className={wide ? 'launch-field wide' : 'launch-field'}>
      <span>{label}</span>
      <input
        inputMode={inputMode}
        value={form[field]}
        placeholder={placeholder}
        onChange={(e) => set({ [field]: e.target.value })}
        data-testid={testId}
        className={invalid(field) ? 'invalid' : undefined}
      />
    </label>
  );
}
