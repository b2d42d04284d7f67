import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan, tempDir } from '../../test/helpers';
import { freezeAtStart, readSnapshot } from './freeze';

describe('freezeAtStart', () => {
  const run = { id: 'r1', experiment_file: null, experiment_digest: null };

  it('writes the snapshot once; a second start (resume) keeps the first', async () => {
    const home = tempDir('sgr-freeze-');
    await freezeAtStart(home, run, plan({ steps: [] }), () => 1);
    await freezeAtStart(home, run, plan({ steps: [] }), () => 2);
    expect(readSnapshot(home, 'r1')).toMatchObject({ capturedAt: 1, environment: { node: process.version } });
  });

  it('never rejects, even when the snapshot cannot be written', async () => {
    const home = join(tempDir('sgr-freeze-'), 'not-a-dir');
    writeFileSync(home, '');
    await expect(freezeAtStart(home, run, plan({ steps: [] }))).resolves.toBeUndefined();
    expect(readSnapshot(home, 'r1')).toBeNull();
  });
});
