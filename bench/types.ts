/** The shape every benchmark returns; bench/run.ts renders it into BENCHMARKS.md. */
export interface BenchResult {
  name: string;
  /** The command that reproduces this benchmark alone. */
  command: string;
  rows: Array<{ label: string; seconds: number; note?: string }>;
  ratios: Array<{ label: string; value: number; target?: string; pass?: boolean }>;
  notes?: string[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
