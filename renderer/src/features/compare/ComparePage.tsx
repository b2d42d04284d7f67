/** Run comparison (U6): owned by the compare feature. */
export function ComparePage({ runs }: { runs: string[] }) {
  return <div data-testid="compare-page">Compare {runs.length} runs</div>;
}
