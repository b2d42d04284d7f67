/**
 * After launching: the runs the launch created (a TPE sweep adds runs as earlier ones end,
 * reported by `launch.progress`), each with its live state, and a link comparing them.
 */
import { useEffect, useRef, useState } from 'react';
import { api, call } from '../../api';
import { StateBadge } from '../../components/StateBadge';
import { formatRoute } from '../../lib/route';
import { ENDED_RUN_STATES as ENDED } from '../../lib/states';

export interface Launched {
  launchId: string;
  runIds: string[];
}

/** `onDone(runIds)`: the user leaves the list (Close, or a link that navigates away). */
export function LaunchResult({ launched, onDone }: { launched: Launched; onDone: (runIds: string[]) => void }) {
  const [runIds, setRunIds] = useState(launched.runIds);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [states, setStates] = useState<Record<string, string>>({});

  useEffect(() => {
    const offs = [
      api.on('launch.progress', (e) => {
        if (e.launchId !== launched.launchId) return;
        setRunIds((ids) => [...ids, ...e.runIds.filter((id) => !ids.includes(id))]);
        setDone(e.done);
        setError(e.error);
      }),
      api.on('run.stateChanged', (e) => setStates((s) => (e.runId in s ? { ...s, [e.runId]: e.state } : s))),
    ];
    return () => offs.forEach((off) => off());
  }, [launched.launchId]);

  // A run's state at the time it joined the list; events keep it current afterwards.
  const fetched = useRef(new Set<string>());
  useEffect(() => {
    for (const id of runIds) {
      if (fetched.current.has(id)) continue;
      fetched.current.add(id);
      setStates((s) => ({ ...s, [id]: s[id] ?? 'CREATED' }));
      call('runs.get', { runId: id })
        // An event may have brought a newer state meanwhile; only an ended state is final.
        .then((r) => setStates((s) => (s[id] === 'CREATED' || ENDED.has(r.state) ? { ...s, [id]: r.state } : s)))
        .catch(() => undefined);
    }
  }, [runIds]);

  const finished = runIds.filter((id) => ENDED.has(states[id] ?? '')).length;
  return (
    <div className="launch-result" data-testid="launch-result" data-launch-id={launched.launchId} data-runs={runIds.length} data-finished={finished} data-done={done ? 'true' : 'false'}>
      <p>
        Launched <strong>{runIds.length}</strong> run{runIds.length === 1 ? '' : 's'} <span className="muted mono small">({launched.launchId})</span>
      </p>
      {error && (
        <div className="error-banner" data-testid="launch-progress-error">
          {error}
        </div>
      )}
      <ul className="launch-runs">
        {runIds.map((id) => (
          <li key={id} data-testid="launch-result-run" data-run-id={id} data-state={states[id] ?? 'CREATED'}>
            <a href={formatRoute({ page: 'run', runId: id, stepId: null })} onClick={() => onDone(runIds)} className="mono">
              {id}
            </a>
            <StateBadge state={states[id] ?? 'CREATED'} />
          </li>
        ))}
      </ul>
      <div className="launch-actions">
        {runIds.length > 1 && (
          <a className="btn primary" href={formatRoute({ page: 'compare', runs: runIds })} onClick={() => onDone(runIds)} data-testid="launch-compare">
            Compare these runs
          </a>
        )}
        <button type="button" className="btn" onClick={() => onDone(runIds)} data-testid="launch-done">
          Close
        </button>
      </div>
    </div>
  );
}
