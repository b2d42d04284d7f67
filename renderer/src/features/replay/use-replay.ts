/**
 * Replay of the open run (runs.replay): re-derives it from the journal without executing a
 * job. Holds the result for the panel and the per-step overlay the DAG draws.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReplayResult } from '../../../../kernel/common/contract-replay';
import { call } from '../../api';
import type { ReplayOverlay } from '../run/DagView';

export interface ReplayState {
  open: boolean;
  busy: boolean;
  result: ReplayResult | null;
  error: string | null;
  overlay: ReplayOverlay | null;
  replay: () => void;
  close: () => void;
}

type Core = { open: boolean; busy: boolean; result: ReplayResult | null; error: string | null };
const CLOSED: Core = { open: false, busy: false, result: null, error: null };

export function useReplay(runId: string): ReplayState {
  const [s, setS] = useState<Core>(CLOSED);
  // Another run: the previous replay says nothing about it.
  useEffect(() => setS(CLOSED), [runId]);
  const replay = useCallback(() => {
    setS({ open: true, busy: true, result: null, error: null });
    call('runs.replay', { runId })
      .then((result) => setS((cur) => (cur.open ? { open: true, busy: false, result, error: null } : cur)))
      .catch((e: unknown) => setS((cur) => (cur.open ? { open: true, busy: false, result: null, error: e instanceof Error ? e.message : String(e) } : cur)));
  }, [runId]);
  const close = useCallback(() => setS(CLOSED), []);
  const overlay = useMemo(() => (s.result ? (Object.fromEntries(s.result.steps.map((x) => [x.stepId, x.status])) as ReplayOverlay) : null), [s.result]);
  return { ...s, overlay, replay, close };
}
