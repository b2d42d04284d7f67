/**
 * "Compare with…": pick other runs whose series are overlaid on the metric chart. Typing
 * searches `runs.list` (filter.search, 20 suggestions); an empty box offers the runs of the
 * same experiment. Chosen runs show as chips, each removed with one click.
 */
import { useEffect, useRef, useState } from 'react';
import type { RunSummary } from '../../../../kernel/common/contract';
import { call } from '../../api';
import { formatTime } from '../../lib/format';

const LIMIT = 20;

export interface ComparedRun {
  id: string;
  label: string;
  color: string | null;
  error: string | null;
}

export function CompareControl({
  runId,
  experiment,
  compared,
  onAdd,
  onRemove,
}: {
  runId: string;
  /** The open run's experiment (its plan name, which `filter.experiment` matches) for the quick pick. */
  experiment: string | null;
  compared: readonly ComparedRun[];
  onAdd: (id: string) => void;
  onRemove: (id: string) => void;
}) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<RunSummary[] | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);

  const query = text.trim();
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    const filter = query ? { search: query } : experiment ? { experiment } : {};
    const t = setTimeout(
      () => {
        call('runs.list', { offset: 0, limit: LIMIT + 1 + compared.length, filter })
          .then((r) => {
            if (cancelled) return;
            setRows(r.rows);
            setError(null);
            setActive(0);
          })
          .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
      },
      query ? 150 : 0,
    );
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [open, query, experiment, compared.length]);

  // Close the list on a click elsewhere.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const taken = new Set([runId, ...compared.map((c) => c.id)]);
  const suggestions = (rows ?? []).filter((r) => !taken.has(r.id)).slice(0, LIMIT);

  const pick = (id: string): void => {
    onAdd(id);
    setText('');
    setActive(0);
  };

  return (
    <div className="compare" ref={box}>
      <div className="compare-box">
        <input
          type="search"
          className="input small"
          placeholder="Compare with…"
          aria-label="Compare with another run"
          data-testid="compare-input"
          value={text}
          onFocus={() => setOpen(true)}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, suggestions.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === 'Enter') {
              const s = suggestions[active] ?? suggestions[0];
              if (s) pick(s.id);
            } else if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
              e.currentTarget.blur();
            }
          }}
        />
        {open && (
          <div className="compare-list" role="listbox" data-testid="compare-list">
            <div className="muted small compare-head">{query ? `Runs matching “${query}”` : experiment ? 'Runs of the same experiment' : 'Recent runs'}</div>
            {error && <div className="error-banner small">{error}</div>}
            {rows !== null && suggestions.length === 0 && <div className="muted small compare-head">No other run</div>}
            {suggestions.map((r, i) => (
              <button
                key={r.id}
                type="button"
                role="option"
                aria-selected={i === active}
                className={`compare-option${i === active ? ' active' : ''}`}
                data-testid="compare-suggestion"
                data-run-id={r.id}
                onMouseEnter={() => setActive(i)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(r.id)}
              >
                <span className="compare-name">{r.name}</span>
                <span className={`badge state state-${r.state.toLowerCase()}`}>{r.state}</span>
                <span className="mono muted small">{r.id}</span>
                <span className="muted small">{formatTime(r.startedAt ?? r.createdAt)}</span>
              </button>
            ))}
          </div>
        )}
      </div>
      {compared.map((c) => (
        <span key={c.id} className={`chip on compare-chip${c.error ? ' bad' : ''}`} data-testid={`compare-chip-${c.id}`} title={c.error ?? c.id}>
          {c.color && <span className="swatch" style={{ background: c.color }} />}
          {c.label}
          <button type="button" className="chip-x" aria-label={`Stop comparing with ${c.label}`} data-testid={`compare-remove-${c.id}`} onClick={() => onRemove(c.id)}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
}
