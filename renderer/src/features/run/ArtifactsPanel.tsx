import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../kernel/common/contract';
import { call } from '../../api';
import { Digest } from '../../components/Copy';
import { formatBytes } from '../../lib/format';

type Row = MethodOutput<'artifacts.list'>[number];

export function ArtifactsPanel({ runId, stepId }: { runId: string; stepId?: string }) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    call('artifacts.list', { runId })
      .then((r) => !cancelled && setRows(r))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [runId]);
  if (error) return <div className="error-banner">{error}</div>;
  if (!rows) return <div className="muted small pad">Loading…</div>;
  const mine = stepId ? rows.filter((r) => r.stepId === stepId) : rows;
  if (mine.length === 0) return <div className="muted small pad" data-testid="artifacts-empty">No artifacts{stepId ? ' from this step' : ''}.</div>;
  return (
    <table className="simple-table" data-testid="artifacts-table">
      <thead>
        <tr>
          {!stepId && <th>Step</th>}
          <th>Output</th>
          <th>Name</th>
          <th>Digest</th>
          <th className="num">Size</th>
        </tr>
      </thead>
      <tbody>
        {mine.map((r) => (
          <tr key={`${r.stepId}/${r.output}/${r.digest}`} data-testid="artifact-row">
            {!stepId && <td className="mono">{r.stepId}</td>}
            <td className="mono">{r.output}</td>
            <td>{r.name}</td>
            <td>
              <Digest value={r.digest} />
            </td>
            <td className="num mono">{formatBytes(r.size)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
