/**
 * On a re-run's page: its results against the original's, once it has ended — the manifest
 * diff (data, metrics and step outputs are the results; params, code and environment say why).
 */
import { useEffect, useState } from 'react';
import type { ManifestDiffResult } from '../../../../kernel/common/contract-compare';
import { call } from '../../api';
import { ENDED_RUN_STATES as ENDED } from '../../lib/states';
import { ManifestDiffView } from '../compare/ManifestDiffView';

const RESULT_SECTIONS = ['data', 'metrics', 'steps'] as const;

export function RerunResults({ runId, originalId, state }: { runId: string; originalId: string; state: string }) {
  const ended = ENDED.has(state);
  const [diff, setDiff] = useState<ManifestDiffResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!ended) return;
    let live = true;
    setDiff(null);
    setError(null);
    call('manifest.diff', { a: originalId, b: runId })
      .then((d) => live && setDiff(d))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [ended, runId, originalId]);

  const same = diff ? RESULT_SECTIONS.every((s) => diff.sections[s].identical) : null;
  return (
    <section className="rerun-results" data-testid="rerun-results" data-of={originalId} data-results-identical={same === null ? undefined : String(same)}>
      <h4>
        Results vs original{' '}
        <a className="mono rerun-of" href={`#/runs/${encodeURIComponent(originalId)}`}>
          {originalId}
        </a>
      </h4>
      {!ended && <div className="muted small">The diff appears when this re-run has ended.</div>}
      {error && <div className="error-banner small">{error}</div>}
      {diff && (
        <>
          <div className={`drift-verdict ${same ? 'same' : 'changed'}`} data-testid="rerun-verdict">
            {same ? 'Identical results: same data, metrics and step outputs as the original.' : 'The results differ from the original — see below.'}
          </div>
          {/* Identical results need no scrolling past six "identical" sections: folded then. */}
          <details className="rerun-diff" open={!same}>
            <summary className="small">Manifest diff, original (a) vs re-run (b)</summary>
            <ManifestDiffView diff={diff} labels={{ a: `original ${originalId}`, b: `re-run ${runId}` }} />
          </details>
        </>
      )}
    </section>
  );
}
