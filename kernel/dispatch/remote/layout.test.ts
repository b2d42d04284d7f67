import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../types';
import { remoteLayout, remoteSpec, rewritePaths } from './layout';
import { parseStates } from './state';

describe('remote layout', () => {
  it('rewrites whole path components only, longest prefix first', () => {
    const map: Array<[string, string]> = [['/w/a', '/r/a'], ['/w/a/deep', '/s/deep']];
    expect(rewritePaths('python /w/a/x.py /w/ab/y --out=/w/a', map)).toBe('python /r/a/x.py /w/ab/y --out=/r/a');
    expect(rewritePaths('/w/a/deep/m.py', map)).toBe('/s/deep/m.py');
    expect(rewritePaths('"/w/a";/w/a:/w/a', map)).toBe('"/r/a";/r/a:/r/a');
  });

  it('moves cwd, staged paths and the checkpoint dir into the remote layout', () => {
    const spec: JobSpec = {
      jobId: 'r1.train.1', runId: 'r1', stepId: 'train', attempt: 1, timeoutMs: 0, outputs: {},
      argv: ['python', '/home/me/exp/train.py', '--data', '/home/me/.sgr/work/r1/train/a1/inputs/d.csv'],
      env: { SGR_CHECKPOINT_DIR: '/home/me/.sgr/checkpoints/r1/train', OTHER: 'x' },
      cwd: '/home/me/.sgr/work/r1/train/a1', checkpointDir: '/home/me/.sgr/checkpoints/r1/train', stage: ['/home/me/exp/train.py'],
    };
    const layout = remoteLayout('/srv/sgr', spec);
    const r = remoteSpec(spec, layout, [['/home/me/exp/train.py', '/srv/sgr/stage/ab12/train.py']]);
    expect(r.cwd).toBe('/srv/sgr/jobs/r1.train.1/work');
    expect(r.argv).toEqual(['python', '/srv/sgr/stage/ab12/train.py', '--data', '/srv/sgr/jobs/r1.train.1/work/inputs/d.csv']);
    expect(r.env).toEqual({ SGR_CHECKPOINT_DIR: '/srv/sgr/checkpoints/r1/train', OTHER: 'x' });
    expect(r.checkpointDir).toBe('/srv/sgr/checkpoints/r1/train');
  });
});

describe('remote state', () => {
  it('parses the batched state script output', () => {
    const states = parseStates(
      ['@ /r/jobs/a', 'exit=0', 'claimed=1', 'pid=12 345', 'started=1000', 'ended=2500', 'sizes=10 0 7',
        '@ /r/jobs/b', 'alive=1', 'claimed=1', 'pid=13 346', 'killed=cancel', 'sizes=3 4 5',
        '@ /r/jobs/c', 'missing=1'].join('\n'),
    );
    expect(states.get('/r/jobs/a')).toMatchObject({ exitCode: 0, claimed: true, pid: { pid: 12, startTime: '345' }, started: 1000, ended: 2500, sizes: { stdout: 10, stderr: 0, events: 7 } });
    expect(states.get('/r/jobs/b')).toMatchObject({ alive: true, procAlive: true, killedBy: 'cancel', sizes: { stdout: 3, stderr: 4, events: 5 } });
    expect(states.get('/r/jobs/c')?.exists).toBe(false);
  });
});
