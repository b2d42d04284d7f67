import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../types';
import { sbatchOptions } from './batch-script';
import { remoteLayout } from '../remote/layout';

const spec: JobSpec = {
  jobId: 'r1.train.2', runId: 'r1', stepId: 'train', attempt: 2,
  argv: ['/usr/bin/python3', '-m', 'sgr_lora', '--train', 'inputs/t.jsonl', '--out=/home/me/.sgr/work/r1/train/a2/model.bin'],
  env: { PYTHONPATH: '/repo/sdk/python:/opt/lib', SGR_CHECKPOINT_DIR: '/home/me/.sgr/checkpoints/r1/train', OTHER: '/repo/sdk/pythonic' },
  cwd: '/home/me/.sgr/work/r1/train/a2', timeoutMs: 0, outputs: {}, checkpointDir: '/home/me/.sgr/checkpoints/r1/train',
};

describe('sbatch options', () => {
  it('turns resources, defaults and queue settings into sbatch options', () => {
    const layout = remoteLayout('/scratch/sgr', spec);
    const target = { kind: 'slurm' as const, partition: 'gpu', account: 'lab', qos: 'high', signalSeconds: 120, defaults: { cpus: 4, memoryMb: 8000, time: 30 } };
    const opts = sbatchOptions({ ...spec, resources: { gpus: 2, memoryMb: 16000 } }, target, layout.paths);
    expect(opts).toEqual(expect.arrayContaining([
      '--job-name=sgr-r1.train.2', '--comment=sgr:r1.train.2', '--requeue', '--open-mode=append', '--signal=B:TERM@120',
      '--cpus-per-task=4', '--mem=16000M', '--gres=gpu:2', '--time=30', '--partition=gpu', '--account=lab', '--qos=high',
    ]));
    // A 90 s step timeout: the backstop limit leaves room for the 120 s warning after it.
    expect(sbatchOptions({ ...spec, timeoutMs: 90_000 }, target, layout.paths)).toContain('--time=5');
  });
});
