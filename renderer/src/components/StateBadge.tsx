export function StateBadge({ state }: { state: string }) {
  return (
    <span className={`badge state state-${state.toLowerCase()}`} data-testid={`state-${state}`}>
      {state === 'RUNNING' && <span className="pulse-dot" />}
      {state.replace('_', ' ').toLowerCase()}
    </span>
  );
}
