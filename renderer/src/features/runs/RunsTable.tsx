/**
 * The runs table: fixed row height, only the visible rows (plus overscan) are rendered, and
 * rows come from server-side pages fetched as they scroll into view — fluid at 100k runs.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RunSummary } from '../../../../kernel/common/contract';
import { StateBadge } from '../../components/StateBadge';
import { useHeight } from '../../components/hooks';
import { formatDuration, formatNumber, formatTime } from '../../lib/format';
import { navigate } from '../../stores/route-store';
import { useRunsStore } from '../../stores/runs-store';
import { COLUMNS, GRID_TEMPLATE, experimentLabel } from './columns';
import { useSelectionStore } from './selection-store';

const ROW = 34;
const OVERSCAN = 12;

function Pick({ id }: { id: string }) {
  const on = useSelectionStore((s) => s.ids.includes(id));
  const toggle = useSelectionStore((s) => s.toggle);
  // The row's click opens the run: the checkbox must not.
  return (
    <div className="cell pick" onClick={(e) => e.stopPropagation()}>
      <input type="checkbox" checked={on} aria-label={`Select ${id} for comparison`} data-testid={`run-select-${id}`} onChange={() => toggle(id)} />
    </div>
  );
}

function Cells({ r }: { r: RunSummary }) {
  return (
    <>
      <Pick id={r.id} />
      <div className="cell name" data-testid="cell-name" title={r.id}>
        <span className="run-name">{r.name}</span>
        <span className="run-id mono">{r.id.slice(0, 8)}</span>
      </div>
      <div className="cell muted" data-testid="cell-experiment" title={r.experimentFile ?? ''}>
        {experimentLabel(r)}
      </div>
      <div className="cell" data-testid="cell-state">
        <StateBadge state={r.state} />
      </div>
      <div className="cell mono small" data-testid="cell-started">
        {formatTime(r.startedAt ?? r.createdAt)}
      </div>
      <div className="cell mono small" data-testid="cell-duration">
        {formatDuration(r.durationMs ?? (r.state === 'RUNNING' && r.startedAt ? Date.now() - r.startedAt : null))}
      </div>
      <div className="cell small" data-testid="cell-best">
        {r.bestMetric ? (
          <>
            <span className="muted">{r.bestMetric.name}</span> <span className="mono">{formatNumber(r.bestMetric.value)}</span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div className="cell small" data-testid="cell-target">
        {r.target}
      </div>
      <div className="cell tags" data-testid="cell-tags">
        {r.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
      </div>
    </>
  );
}

export function RunsTable() {
  const total = useRunsStore((s) => s.total) ?? 0;
  const cache = useRunsStore((s) => s.cache);
  useRunsStore((s) => s.version);
  const generation = useRunsStore((s) => s.generation);
  const sort = useRunsStore((s) => s.sort);
  const setSort = useRunsStore((s) => s.setSort);
  const ensureRange = useRunsStore((s) => s.ensureRange);
  const [viewport, setViewport] = useState<HTMLDivElement | null>(null);
  const height = useHeight(viewport);
  const [scrollTop, setScrollTop] = useState(0);
  const [focused, setFocused] = useState(0);
  const raf = useRef(0);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);

  useEffect(() => {
    ensureRange(first, Math.max(last, first + 1));
  }, [first, last, generation, total, ensureRange]);

  useEffect(() => {
    setFocused(0);
    if (viewport) viewport.scrollTop = 0;
    setScrollTop(0);
  }, [generation, viewport]);

  const onScroll = useCallback(() => {
    cancelAnimationFrame(raf.current);
    raf.current = requestAnimationFrame(() => setScrollTop(viewport?.scrollTop ?? 0));
  }, [viewport]);

  const moveTo = (i: number): void => {
    const idx = Math.max(0, Math.min(total - 1, i));
    setFocused(idx);
    if (!viewport) return;
    const top = idx * ROW;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW - viewport.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor(height / ROW) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(focused + 1),
      ArrowUp: () => moveTo(focused - 1),
      PageDown: () => moveTo(focused + page),
      PageUp: () => moveTo(focused - page),
      Home: () => moveTo(0),
      End: () => moveTo(total - 1),
      Enter: () => {
        const r = cache.get(focused);
        if (r) navigate({ page: 'run', runId: r.id, stepId: null });
      },
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };

  const rows = [];
  for (let i = first; i < last; i++) {
    const r = cache.get(i);
    rows.push(
      <div
        key={i}
        className={`row${i === focused ? ' focused' : ''}${r ? '' : ' loading'}`}
        style={{ transform: `translateY(${i * ROW}px)`, gridTemplateColumns: GRID_TEMPLATE }}
        data-testid={r ? 'run-row' : 'run-row-loading'}
        data-run-id={r?.id}
        data-index={i}
        role="row"
        aria-selected={i === focused}
        onClick={() => {
          setFocused(i);
          if (r) navigate({ page: 'run', runId: r.id, stepId: null });
        }}
      >
        {r ? <Cells r={r} /> : <div className="cell skeleton" />}
      </div>,
    );
  }

  return (
    <div className="table" role="grid" aria-rowcount={total} data-testid="runs-table" data-total={total}>
      <div className="thead" role="row" style={{ gridTemplateColumns: GRID_TEMPLATE }}>
        {COLUMNS.map((c) => {
          const active = c.sort && sort.field === c.sort;
          return (
            <div
              key={c.key}
              role="columnheader"
              className={`th${c.sort ? ' sortable' : ''}${active ? ' active' : ''}`}
              data-testid={`col-${c.key}`}
              aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              onClick={c.sort ? () => setSort(c.sort as NonNullable<typeof c.sort>) : undefined}
            >
              {c.label}
              {active && <span className="sort-arrow">{sort.dir === 'asc' ? '▲' : '▼'}</span>}
            </div>
          );
        })}
      </div>
      <div className="tbody" ref={setViewport} onScroll={onScroll} tabIndex={0} onKeyDown={onKeyDown} data-testid="runs-viewport" aria-label="Runs; arrow keys move, Enter opens">
        <div className="tbody-spacer" style={{ height: total * ROW }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
