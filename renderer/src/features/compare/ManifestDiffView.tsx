/**
 * The manifest diff of two runs (R2), grouped: params, data, code, environment, metrics,
 * steps. An identical section is collapsed to its name and an "identical" label; a changed
 * one lists each path with run a's and run b's value side by side. Hashes show their first
 * 12 hex digits with a button copying the full value. Give run ids (fetched here) or a diff
 * already fetched (the re-run view reuses it so).
 */
import { useEffect, useState } from 'react';
import type { ManifestDiffResult } from '../../../../kernel/common/contract-compare';
import { call } from '../../api';
import { Digest } from '../../components/Copy';
import { ValueView } from '../../components/JsonView';
import { isHash } from './compare-model';
import './compare.css';

export const DIFF_SECTIONS = ['params', 'data', 'code', 'environment', 'metrics', 'steps'] as const;
type SectionName = (typeof DIFF_SECTIONS)[number];

export type ManifestDiffProps = { a: string; b: string; labels?: { a?: string; b?: string } } | { diff: ManifestDiffResult; labels?: { a?: string; b?: string } };

function DiffValue({ v }: { v: unknown }) {
  if (v === undefined) return <span className="muted">absent</span>;
  if (isHash(v)) return <Digest value={v} />;
  return <ValueView value={v} />;
}

function Section({ name, s }: { name: SectionName; s: ManifestDiffResult['sections'][SectionName] }) {
  return (
    <section className={`diff-section${s.identical ? ' identical' : ''}`} data-testid={`diff-section-${name}`} data-identical={s.identical} data-changes={s.changes.length}>
      <h4>
        {name}
        {s.identical ? <span className="badge same">identical</span> : <span className="badge changed">{s.changes.length} changed</span>}
      </h4>
      {!s.identical && (
        <div className="diff-rows">
          {s.changes.map((c) => (
            <div key={c.path} className="diff-change" data-testid="diff-change" data-path={c.path}>
              <div className="mono path">{c.path}</div>
              <div className="side a">
                <DiffValue v={c.a} />
              </div>
              <div className="side b">
                <DiffValue v={c.b} />
              </div>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

export function ManifestDiffView(props: ManifestDiffProps) {
  const given = 'diff' in props ? props.diff : null;
  const a = 'diff' in props ? props.diff.a : props.a;
  const b = 'diff' in props ? props.diff.b : props.b;
  const [fetched, setFetched] = useState<ManifestDiffResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (given) return;
    let cancelled = false;
    setFetched(null);
    setError(null);
    call('manifest.diff', { a, b })
      .then((d) => !cancelled && setFetched(d))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [given, a, b]);

  const diff = given ?? (fetched && fetched.a === a && fetched.b === b ? fetched : null);
  if (error) return <div className="error-banner" data-testid="manifest-diff-error">{`manifest diff of ${a} and ${b}: ${error}`}</div>;
  if (!diff) return <div className="muted small" data-testid="manifest-diff-loading">Diffing manifests…</div>;
  return (
    <div className="manifest-diff" data-testid="manifest-diff" data-identical={diff.identical} data-a={diff.a} data-b={diff.b}>
      <div className="diff-head">
        <span />
        <span className="side a" title={diff.a}>
          a: {props.labels?.a ?? diff.a}
        </span>
        <span className="side b" title={diff.b}>
          b: {props.labels?.b ?? diff.b}
        </span>
      </div>
      {diff.identical && <div className="muted small">The two manifests are identical.</div>}
      {DIFF_SECTIONS.map((n) => (
        <Section key={n} name={n} s={diff.sections[n]} />
      ))}
    </div>
  );
}
