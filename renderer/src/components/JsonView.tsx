import { Digest } from './Copy';

const isArtifact = (v: unknown): v is { $artifact: string; size?: number; name?: string } =>
  typeof v === 'object' && v !== null && typeof (v as { $artifact?: unknown }).$artifact === 'string';

/** Key/value view of params, inputs and outputs; artifacts shown as short digests with copy. */
export function ValueView({ value }: { value: unknown }) {
  if (isArtifact(value)) {
    return (
      <span className="artifact-ref">
        <Digest value={value.$artifact} /> {value.name && <span className="muted">{value.name}</span>}
      </span>
    );
  }
  if (typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value)) return <Digest value={value} />;
  if (value === null || typeof value !== 'object') return <span className={`val val-${typeof value}`}>{JSON.stringify(value)}</span>;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return <span className="val">{JSON.stringify(value)}</span>;
  return <KeyValues data={value as Record<string, unknown>} nested />;
}

export function KeyValues({ data, nested = false, testId }: { data: Record<string, unknown> | null; nested?: boolean; testId?: string }) {
  const entries = data ? Object.entries(data) : [];
  if (entries.length === 0) return <div className="muted small">none</div>;
  return (
    <dl className={`kv${nested ? ' nested' : ''}`} data-testid={testId}>
      {entries.map(([k, v]) => (
        <div className="kv-row" key={k}>
          <dt className="mono">{k}</dt>
          <dd>
            <ValueView value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
