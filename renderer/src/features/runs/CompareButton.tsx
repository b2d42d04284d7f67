/** "Compare N" in the runs browser: opens the compare view on the picked runs (2–50). */
import { navigate } from '../../stores/route-store';
import { canCompare, COMPARE_MAX, COMPARE_MIN, useSelectionStore } from './selection-store';
import './runs-select.css';

export function CompareButton() {
  const ids = useSelectionStore((s) => s.ids);
  const clear = useSelectionStore((s) => s.clear);
  const n = ids.length;
  const ok = canCompare(n);
  const why = n < COMPARE_MIN ? `Pick at least ${COMPARE_MIN} runs (the checkboxes)` : n > COMPARE_MAX ? `At most ${COMPARE_MAX} runs can be compared` : `Compare the ${n} picked runs`;
  return (
    <span className="compare-pick">
      <button type="button" className="btn small primary" disabled={!ok} title={why} data-testid="compare-selected" data-count={n} onClick={() => navigate({ page: 'compare', runs: ids })}>
        Compare {n}
      </button>
      {n > 0 && (
        <button type="button" className="btn small ghost" data-testid="compare-clear" onClick={clear}>
          Clear
        </button>
      )}
    </span>
  );
}
