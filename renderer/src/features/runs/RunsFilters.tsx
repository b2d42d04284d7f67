import { useEffect, useRef, useState } from 'react';
import { useDebounced } from '../../components/hooks';
import { parseParamFilter } from '../../lib/format';
import { RUN_STATE_LIST } from '../../lib/states';
import { toggleState, useRunsStore } from '../../stores/runs-store';

export function RunsFilters() {
  const filter = useRunsStore((s) => s.filter);
  const setFilter = useRunsStore((s) => s.setFilter);
  const [search, setSearch] = useState(filter.search ?? '');
  const [experiment, setExperiment] = useState(filter.experiment ?? '');
  const [tag, setTag] = useState(filter.tag ?? '');
  const [param, setParam] = useState('');
  const dSearch = useDebounced(search.trim(), 250);
  const dExperiment = useDebounced(experiment.trim(), 300);
  const dTag = useDebounced(tag.trim(), 300);
  const dParam = useDebounced(param.trim(), 400);
  const searchRef = useRef<HTMLInputElement>(null);
  const paramParsed = dParam ? parseParamFilter(dParam) : null;
  const paramInvalid = dParam !== '' && paramParsed === null;

  useEffect(() => {
    const f = useRunsStore.getState().filter;
    const p = dParam ? parseParamFilter(dParam) ?? undefined : undefined;
    const same = (f.search ?? '') === dSearch && (f.experiment ?? '') === dExperiment && (f.tag ?? '') === dTag && JSON.stringify(f.param) === JSON.stringify(p);
    if (!same) setFilter({ search: dSearch || undefined, experiment: dExperiment || undefined, tag: dTag || undefined, param: p });
  }, [dSearch, dExperiment, dTag, dParam, setFilter]);

  // `/` focuses the search box from anywhere on the runs page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (e.key === '/' && !(t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA'))) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const states = filter.states ?? [];
  return (
    <div className="filters" data-testid="runs-filters">
      <div className="search-box">
        <span className="search-icon">⌕</span>
        <input
          ref={searchRef}
          data-testid="runs-search"
          type="search"
          placeholder="Search runs…  ( / )"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setSearch('');
              e.currentTarget.blur();
            }
          }}
        />
      </div>
      <div className="chips" role="group" aria-label="Filter by state">
        {RUN_STATE_LIST.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip state-${s.toLowerCase()}${states.includes(s) ? ' on' : ''}`}
            aria-pressed={states.includes(s)}
            data-testid={`state-chip-${s}`}
            onClick={() => setFilter({ states: toggleState(states, s) })}
          >
            {s.toLowerCase()}
          </button>
        ))}
      </div>
      <input className="small-input" data-testid="filter-experiment" placeholder="experiment" value={experiment} onChange={(e) => setExperiment(e.target.value)} />
      <input className="small-input" data-testid="filter-tag" placeholder="tag" value={tag} onChange={(e) => setTag(e.target.value)} />
      <input
        className={`small-input${paramInvalid ? ' invalid' : ''}`}
        data-testid="filter-param"
        placeholder="param key=value"
        title="A step param, e.g. rank=16"
        value={param}
        onChange={(e) => setParam(e.target.value)}
      />
    </div>
  );
}
