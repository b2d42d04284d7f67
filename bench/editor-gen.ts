/** Generated experiments for the editor benchmark and the editor model's layout test. */

/**
 * A big experiment of `n` top-level steps (n ≥ 3) in a fan-out/fan-in shape, as a large sweep
 * written out would look: blocks of `split` → `width` parallel `work` steps → `merge`, each
 * block starting from the previous block's merge. Used by the layout test and `npm run bench -- editor`.
 */
export function bigExperiment(n: number, width = 23): string {
  const lines = ['# generated: fan-out/fan-in blocks', 'name: big-fanout', 'concurrency: 8', 'steps:'];
  let count = 0;
  let prevMerge: string | null = null;
  for (let b = 0; count < n; b++) {
    const split = `split_${b}`;
    lines.push(`  ${split}:`, '    skill: const', `    params: { values: { block: ${b} } }`, ...(prevMerge ? [`    deps: [${prevMerge}]`] : []));
    count++;
    const workers: string[] = [];
    for (let i = 0; i < width && count < n - 1; i++, count++) {
      const w = `work_${b}_${i}`;
      workers.push(w);
      lines.push(`  ${w}:`, '    skill: noop', `    inputs: { block: "\${steps.${split}.outputs.block}" }`);
    }
    if (count >= n) break;
    const merge = `merge_${b}`;
    lines.push(`  ${merge}:`, '    skill: noop', '    params:', '      parts:', ...(workers.length ? workers : [split]).map((w) => `        - "\${steps.${w}.outputs.block}"`));
    count++;
    prevMerge = merge;
  }
  return lines.join('\n') + '\n';
}
