/** Display helpers: durations, times, sizes, digests. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.floor(s % 60)}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}

export function formatTime(t: number | null | undefined): string {
  if (!t) return '—';
  const d = new Date(t);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return Number(v.toPrecision(5)).toString();
}

/** `sha256:abcdef…` → `abcdef12` (first 12 hex digits). */
export function shortDigest(d: string): string {
  return d.replace(/^sha256:/, '').slice(0, 12);
}

/** Parses a `key=value` param filter; numbers and booleans keep their type. */
export function parseParamFilter(s: string): { key: string; value: string | number | boolean } | null {
  const at = s.indexOf('=');
  if (at <= 0) return null;
  const key = s.slice(0, at).trim();
  const raw = s.slice(at + 1).trim();
  if (!key) return null;
  if (raw === 'true' || raw === 'false') return { key, value: raw === 'true' };
  if (raw !== '' && Number.isFinite(Number(raw))) return { key, value: Number(raw) };
  return { key, value: raw };
}
