/**
 * Targets (U8): one card per target of targets.yaml with "Test connection", the live
 * process table (running step attempts on every target) and the scheduler's queue with its
 * dead letters. Lists are polled: the process table every second, targets and queue less often.
 */
import { useEffect, useState } from 'react';
import { ProcessTable } from './ProcessTable';
import { QueueTables } from './QueueTables';
import { TargetCard } from './TargetCard';
import { usePoll } from './use-poll';
import './targets.css';

export function TargetsPage() {
  const targets = usePoll('targets.list', 10_000);
  const file = usePoll('targets.file', 10_000);
  const jobs = usePoll('jobs.list', 1_000);
  const queue = usePoll('queue.list', 2_000);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  const f = file.value;
  return (
    <div className="targets-page" data-testid="targets-page" data-loaded={targets.value !== null}>
      <div className="page-head">
        <h2>Targets</h2>
        {f && (
          <span className="muted small mono" data-testid="targets-file" title="targets are declared in this file">
            {f.file}
            {!f.exists && ' (absent: only local)'}
          </span>
        )}
      </div>
      {f?.problems && (
        <div className="error-banner" data-testid="targets-problems">
          targets.yaml has problems; only local is usable until they are fixed:{'\n'}
          {f.problems}
        </div>
      )}
      {targets.error && <div className="error-banner">{targets.error}</div>}
      <div className="tg-cards">
        {(targets.value ?? []).map((t) => (
          <TargetCard key={t.name} target={t} onChecked={targets.refresh} />
        ))}
      </div>
      <h3 className="tg-sub">Running now</h3>
      {jobs.error && <div className="error-banner">{jobs.error}</div>}
      <ProcessTable rows={jobs.value ?? []} now={now} />
      <h3 className="tg-sub">Scheduler queue</h3>
      {queue.error && <div className="error-banner">{queue.error}</div>}
      <QueueTables queue={queue.value ?? { entries: [], deadLetter: [], slots: [] }} />
    </div>
  );
}
