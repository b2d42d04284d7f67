/** The 30-step DAG of the crash tests: 5 layers of 6 shell steps that append to a side-effect ledger. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LAYERS = 5;
export const WIDTH = 6;

export function stepIds(): string[] {
  const ids: string[] = [];
  for (let l = 0; l < LAYERS; l++) for (let i = 0; i < WIDTH; i++) ids.push(`l${l}_${i}`);
  return ids;
}

/** Writes experiment.yaml into `dir`; every step appends its id to `ledger` once per execution. */
export function writeCrashExperiment(dir: string, ledger: string, sleep = '0.05'): string {
  const lines = ['version: 1', 'name: crash-dag', 'concurrency: 4', 'steps:'];
  for (let l = 0; l < LAYERS; l++) {
    for (let i = 0; i < WIDTH; i++) {
      lines.push(`  l${l}_${i}:`, '    skill: shell', '    params:', `      env: { LEDGER: "${ledger}" }`, '      outputs: { out: out.txt }');
      if (l === 0) {
        lines.push(`      command: 'echo "$SGR_STEP_ID" >> "$LEDGER"; sleep ${sleep}; echo seed-${i} > out.txt'`);
      } else {
        const a = `\${steps.l${l - 1}_${i}.outputs.out}`;
        const b = `\${steps.l${l - 1}_${(i + 1) % WIDTH}.outputs.out}`;
        lines.push(`      command: 'echo "$SGR_STEP_ID" >> "$LEDGER"; sleep ${sleep}; cat ${a} ${b} | sha256sum | cut -c1-16 > out.txt'`);
      }
    }
  }
  const file = join(dir, 'experiment.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
