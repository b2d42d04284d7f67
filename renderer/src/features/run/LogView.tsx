/**
 * A step's log over logs.read byte paging: opens on the last chunk, follows (polls ~500 ms)
 * while the step runs, loads older chunks when scrolled to the top. Lines are virtualized.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { call } from '../../api';
import { useHeight } from '../../components/hooks';
import { appendChunk, capLines, emptyLog, findMatches, highlightParts, prependChunk, visibleLines, type LogWindow } from '../../lib/log-buffer';

const LINE = 18;
const CHUNK = 64 * 1024;
const MAX_LINES = 200_000;
const utf8 = new TextEncoder();
const byteLength = (s: string): number => utf8.encode(s).length;

export function LogView({ runId, stepId, running }: { runId: string; stepId: string; running: boolean }) {
  const [stream, setStream] = useState<'stdout' | 'stderr'>('stdout');
  const [win, setWin] = useState<LogWindow>(emptyLog);
  const [complete, setComplete] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [matchIdx, setMatchIdx] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [viewport, setViewport] = useState<HTMLDivElement | null>(null);
  const height = useHeight(viewport);
  const [scrollTop, setScrollTop] = useState(0);
  const winRef = useRef(win);
  winRef.current = win;
  const busy = useRef(false);
  const pendingScrollAdjust = useRef<number | null>(null);

  // Initial tail read whenever the step or stream changes.
  useEffect(() => {
    let cancelled = false;
    setWin(emptyLog());
    setLoaded(false);
    setComplete(false);
    setError(null);
    call('logs.read', { runId, stepId, stream, offset: -1, limit: CHUNK })
      .then((c) => {
        if (cancelled) return;
        setWin(appendChunk({ start: c.offset, end: c.offset, lines: [''] }, c.text, c.nextOffset));
        setComplete(c.complete);
        setLoaded(true);
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [runId, stepId, stream]);

  // Follow: poll for new bytes while the step may still write.
  useEffect(() => {
    if (!loaded || complete || !follow) return;
    const t = setInterval(() => {
      if (busy.current) return;
      busy.current = true;
      call('logs.read', { runId, stepId, stream, offset: winRef.current.end, limit: CHUNK })
        .then((c) => {
          if (c.text.length > 0 || c.nextOffset !== winRef.current.end) setWin((w) => capLines(appendChunk(w, c.text, c.nextOffset), MAX_LINES, byteLength));
          if (c.complete && !running) setComplete(true);
        })
        .catch(() => undefined)
        .finally(() => {
          busy.current = false;
        });
    }, 500);
    return () => clearInterval(t);
  }, [loaded, complete, follow, runId, stepId, stream, running]);

  const loadOlder = useCallback(() => {
    const w = winRef.current;
    if (busy.current || w.start <= 0) return;
    busy.current = true;
    const from = Math.max(0, w.start - CHUNK);
    call('logs.read', { runId, stepId, stream, offset: from, limit: w.start - from })
      .then((c) => {
        setWin((cur) => {
          if (cur.start !== w.start) return cur;
          const next = prependChunk(cur, c.text, c.offset);
          pendingScrollAdjust.current = (visibleLines(next).length - visibleLines(cur).length) * LINE;
          return next;
        });
      })
      .catch(() => undefined)
      .finally(() => {
        busy.current = false;
      });
  }, [runId, stepId, stream]);

  const lines = useMemo(() => visibleLines(win), [win]);
  const matches = useMemo(() => findMatches(lines, query), [lines, query]);

  // Keep the view where it was after older lines were prepended; stick to the bottom when following.
  useLayoutEffect(() => {
    if (!viewport) return;
    if (pendingScrollAdjust.current !== null) {
      viewport.scrollTop += pendingScrollAdjust.current;
      pendingScrollAdjust.current = null;
    } else if (follow) {
      viewport.scrollTop = viewport.scrollHeight;
    }
    setScrollTop(viewport.scrollTop);
  }, [lines, follow, viewport]);

  const onScroll = (): void => {
    if (!viewport) return;
    setScrollTop(viewport.scrollTop);
    const atBottom = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - LINE;
    if (!atBottom && follow) setFollow(false);
    if (viewport.scrollTop < LINE * 5) loadOlder();
  };

  const jump = (dir: 1 | -1): void => {
    if (matches.length === 0 || !viewport) return;
    const next = (matchIdx + dir + matches.length) % matches.length;
    setMatchIdx(next);
    setFollow(false);
    viewport.scrollTop = (matches[next] as number) * LINE - viewport.clientHeight / 2;
  };

  const first = Math.max(0, Math.floor(scrollTop / LINE) - 20);
  const last = Math.min(lines.length, Math.ceil((scrollTop + height) / LINE) + 20);
  const current = matches[matchIdx];
  const rendered = [];
  for (let i = first; i < last; i++) {
    const line = lines[i] as string;
    rendered.push(
      <div key={i} className={`log-line${i === current ? ' current' : ''}`} style={{ transform: `translateY(${i * LINE}px)` }} data-testid="log-line">
        <span className="ln">{i + 1}</span>
        <span className="lt">
          {query
            ? highlightParts(line, query).map((p, k) =>
                p.match ? (
                  <mark key={k} data-testid="log-match">
                    {p.text}
                  </mark>
                ) : (
                  <span key={k}>{p.text}</span>
                ),
              )
            : line}
        </span>
      </div>,
    );
  }

  return (
    <div className="log-panel">
      <div className="toolbar">
        <div className="seg" role="group">
          {(['stdout', 'stderr'] as const).map((s) => (
            <button key={s} type="button" className={stream === s ? 'on' : ''} data-testid={`log-stream-${s}`} onClick={() => setStream(s)}>
              {s}
            </button>
          ))}
        </div>
        <button type="button" className={`btn small${follow ? ' primary' : ''}`} data-testid="log-follow" data-following={follow} onClick={() => setFollow(!follow)}>
          {follow ? '❚❚ Pause' : '▶ Follow'}
        </button>
        <input
          className="small-input grow"
          placeholder="Search log…"
          data-testid="log-search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setMatchIdx(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') jump(e.shiftKey ? -1 : 1);
          }}
        />
        <span className="muted small" data-testid="log-match-count">
          {query ? `${matches.length ? matchIdx + 1 : 0}/${matches.length}` : ''}
        </span>
        <button type="button" className="btn small ghost" onClick={() => jump(-1)} disabled={!matches.length} aria-label="previous match">
          ↑
        </button>
        <button type="button" className="btn small ghost" onClick={() => jump(1)} disabled={!matches.length} aria-label="next match">
          ↓
        </button>
      </div>
      {error && <div className="error-banner">{error}</div>}
      {win.start > 0 && <div className="log-older muted small">▲ older output above ({win.start.toLocaleString()} bytes) — scroll up to load</div>}
      <div className="log-view mono" ref={setViewport} onScroll={onScroll} data-testid="log-view" data-lines={lines.length} data-start={win.start} data-end={win.end} data-complete={complete}>
        <div className="log-spacer" style={{ height: lines.length * LINE }}>
          {rendered}
        </div>
        {loaded && lines.length === 0 && <div className="muted small log-empty">{complete ? 'No output.' : 'Waiting for output…'}</div>}
      </div>
    </div>
  );
}
