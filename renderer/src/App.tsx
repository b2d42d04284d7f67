import { useEffect, useState } from 'react';
import { connectionStatus, onConnectionStatus } from './api';
import { ThemeToggle } from './components/ThemeToggle';
import { ComparePage } from './features/compare/ComparePage';
import { EditorPage } from './features/editor/EditorPage';
import { InterruptedBanner } from './features/launch/InterruptedBanner';
import { RunsPage } from './features/runs/RunsPage';
import { RunPage } from './features/run/RunPage';
import { TargetsPage } from './features/targets/TargetsPage';
import { useRouteStore } from './stores/route-store';

function ConnectionDot() {
  const [status, setStatus] = useState(connectionStatus());
  // The socket may have opened between the first render and this subscription: re-read it.
  useEffect(() => {
    setStatus(connectionStatus());
    return onConnectionStatus(setStatus);
  }, []);
  return <span className={`conn conn-${status}`} data-testid="connection" data-status={status} title={`connection: ${status}`} />;
}

export function App() {
  const route = useRouteStore((s) => s.route);
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/runs" data-testid="nav-runs">
          <span className="brand-mark">◆</span> SGR Workbench
        </a>
        <nav className="crumbs">
          <a href="#/runs">Runs</a>
          <a href="#/editor" data-testid="nav-editor">Editor</a>
          <a href="#/targets" data-testid="nav-targets">Targets</a>
          {route.page === 'run' && (
            <>
              <span className="sep">/</span>
              <a href={`#/runs/${encodeURIComponent(route.runId)}`} className="mono">
                {route.runId}
              </a>
            </>
          )}
        </nav>
        <div className="spacer" />
        <ConnectionDot />
        <ThemeToggle />
      </header>
      <InterruptedBanner />
      <main className="content">
        {route.page === 'runs' && <RunsPage />}
        {route.page === 'run' && <RunPage runId={route.runId} stepId={route.stepId} />}
        {route.page === 'editor' && <EditorPage file={route.file} />}
        {route.page === 'compare' && <ComparePage runs={route.runs} />}
        {route.page === 'targets' && <TargetsPage />}
      </main>
    </div>
  );
}
