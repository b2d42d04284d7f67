/** Tags as chips: Enter or comma adds, × or Backspace on an empty input removes. */
import { useState, type KeyboardEvent } from 'react';

export function TagInput({ tags, onChange, testId }: { tags: string[]; onChange: (tags: string[]) => void; testId: string }) {
  const [draft, setDraft] = useState('');
  const add = (raw: string): void => {
    const t = raw.trim();
    if (t && t.length <= 100 && !tags.includes(t)) onChange([...tags, t]);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add(draft);
    } else if (e.key === 'Backspace' && draft === '' && tags.length) {
      onChange(tags.slice(0, -1));
    }
  };
  return (
    <div className="tag-input" data-testid={testId} data-tags={tags.join(',')}>
      {tags.map((t) => (
        <span key={t} className="tag-chip" data-testid="launch-tag">
          {t}
          <button type="button" aria-label={`remove tag ${t}`} onClick={() => onChange(tags.filter((x) => x !== t))}>
            ×
          </button>
        </span>
      ))}
      <input
        value={draft}
        placeholder={tags.length ? '' : 'add a tag, Enter'}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
        onBlur={() => draft && add(draft)}
        data-testid={`${testId}-input`}
        aria-label="tags"
      />
    </div>
  );
}
