/** Two processes resuming the same run: exactly one proceeds, the other gets the lease error (exit 3). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sgr, startAndKill, tempDir } from './helpers';
import { writeCrashExperiment } from './crash-dag';

describe('concurrent resume', () => {
  it('lets one resumer win and refuses the other with a clear error', async () => {
    const home = tempDir('sgr-resume-');
    const ledger = join(home, 'ledger');
    writeFileSync(ledger, '');
    // A run whose process was killed right after it printed its id.
    const file = writeCrashExperiment(home, ledger, '0.3');
    const crashed = await startAndKill(home, ['run', file, '-q'], 0);
    const runId = crashed.runId as string;
    expect(runId).toMatch(/^\d{8}-/);

    const [a, b] = await Promise.all([sgr(home, ['resume', runId, '-q']), sgr(home, ['resume', runId, '-q'])]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 3]);
    const loser = a.code === 3 ? a : b;
    expect(loser.stderr).toMatch(new RegExp(`run ${runId} is being executed by another process \\(pid \\d+ on `));
  }, 120_000);
});
