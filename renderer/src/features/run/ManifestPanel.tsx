import { useEffect, useState, type ReactNode } from 'react';
import { call } from '../../api';
import { KeyValues, ValueView } from '../../components/JsonView';

function Section({ title, children, open = false, id }: { title: string; children: ReactNode; open?: boolean; id: string }) {
  return (
    <details className="section" open={open} data-testid={`manifest-${id}`}>
      <summary>{title}</summary>
      <div className="section-body">{children}</div>
    </details>
  );
}

const ORDER: [string, string][] = [
  ['run', 'Run'],
  ['code', 'Code'],
  ['environment', 'Environment'],
  ['steps', 'Steps'],
  ['data', 'Data'],
];

export function ManifestPanel({ runId }: { runId: string }) {
  const [m, setM] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    call('manifest.get', { runId })
      .then((v) => !cancelled && setM(v))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [runId]);
  if (error) return <div className="error-banner">{error}</div>;
  if (!m) return <div className="muted small pad">Loading…</div>;
  const known = new Set(ORDER.map(([k]) => k));
  const rest = Object.keys(m).filter((k) => !known.has(k));
  return (
    <div className="manifest" data-testid="manifest">
      {ORDER.filter(([k]) => k in m).map(([k, title], i) => (
        <Section key={k} id={k} title={title} open={i < 2}>
          {k === 'steps' && Array.isArray(m.steps) ? (
            (m.steps as Record<string, unknown>[]).map((s, j) => (
              <Section key={j} id={`step-${String(s.id)}`} title={`${String(s.id)} · ${String(s.skill)}`}>
                <KeyValues data={s} />
              </Section>
            ))
          ) : (
            <ValueView value={m[k]} />
          )}
        </Section>
      ))}
      {rest.length > 0 && (
        <Section id="other" title="Other">
          <KeyValues data={Object.fromEntries(rest.map((k) => [k, m[k]]))} />
        </Section>
      )}
    </div>
  );
}
