/**
 * Hash routes: `#/runs`, `#/runs/<id>`, `#/runs/<id>/<step>` — so a URL opens a run. A run
 * route may carry a query, `#/runs/<id>?compare=<id2>,<id3>`: the runs overlaid in its
 * metric charts, so a link reproduces the view; `?rerunOf=<id>` marks it a re-run of <id>. `#/editor?file=<path>` opens an experiment
 * in the editor (no file: a new one), `#/compare?runs=<a>,<b>,…` compares runs, `#/targets` shows the targets.
 */
export type Route =
  | { page: 'runs' }
  | { page: 'run'; runId: string; stepId: string | null; compare?: string[]; rerunOf?: string }
  | { page: 'editor'; file: string | null }
  | { page: 'compare'; runs: string[] }
  | { page: 'targets' };

function decode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** `compare=a,b` → ['a', 'b']: trimmed, de-duplicated, without `self`, at most `max`. */
export function parseCompare(value: string | null | undefined, self?: string, max = 12): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const id = decode(raw).trim();
    if (id && id !== self && !out.includes(id)) out.push(id);
    if (out.length >= max) break;
  }
  return out;
}

/** `a=1&b=2` → raw (still escaped) values, so an escaped comma inside an id survives the split. */
function rawQuery(q: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of q.split('&')) {
    const i = kv.indexOf('=');
    const k = decode(i >= 0 ? kv.slice(0, i) : kv);
    if (k && !m.has(k)) m.set(k, i >= 0 ? kv.slice(i + 1) : '');
  }
  return m;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = q >= 0 ? body.slice(0, q) : body;
  const query = q >= 0 ? rawQuery(body.slice(q + 1)) : new Map<string, string>();
  const parts = path
    .split('/')
    .filter((p) => p.length > 0)
    .map(decode);
  if (parts[0] === 'editor') {
    const file = query.get('file');
    return { page: 'editor', file: file ? decode(file) : null };
  }
  if (parts[0] === 'targets') return { page: 'targets' };
  if (parts[0] === 'compare') return { page: 'compare', runs: parseCompare(query.get('runs'), undefined, 50) };
  if (parts[0] === 'runs' && parts[1]) {
    const compare = parseCompare(query.get('compare'), parts[1]);
    const run: Route = compare.length ? { page: 'run', runId: parts[1], stepId: parts[2] ?? null, compare } : { page: 'run', runId: parts[1], stepId: parts[2] ?? null };
    // `?rerunOf=<id>`: this run re-ran <id>; its page then diffs the results against it.
    const rerunOf = decode(query.get('rerunOf') ?? '').trim();
    return rerunOf ? { ...run, rerunOf } : run;
  }
  return { page: 'runs' };
}

export function formatRoute(r: Route): string {
  if (r.page === 'runs') return '#/runs';
  if (r.page === 'targets') return '#/targets';
  if (r.page === 'editor') return r.file ? `#/editor?file=${encodeURIComponent(r.file)}` : '#/editor';
  if (r.page === 'compare') return `#/compare?runs=${r.runs.map((id) => encodeURIComponent(id)).join(',')}`;
  const base = `#/runs/${encodeURIComponent(r.runId)}`;
  const path = r.stepId ? `${base}/${encodeURIComponent(r.stepId)}` : base;
  const compare = (r.compare ?? []).filter((id) => id && id !== r.runId);
  // Commas stay literal (readable links); ids are escaped, so an id's own comma cannot split.
  const query = [...(compare.length ? [`compare=${compare.map((id) => encodeURIComponent(id)).join(',')}`] : []), ...(r.rerunOf ? [`rerunOf=${encodeURIComponent(r.rerunOf)}`] : [])];
  return query.length ? `${path}?${query.join('&')}` : path;
}
