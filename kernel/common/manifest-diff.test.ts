import { describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from './manifest';
import { DIFF_SECTIONS, diffManifests, flatten } from './manifest-diff';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function fixture(): Manifest {
  return manifestSchema.parse({
    manifestVersion: 1,
    run: { id: 'r1', name: 'exp', state: 'COMPLETED', createdAt: 1, startedAt: 2, endedAt: 3, planDigest: D1, kernelVersion: '0.1.0' },
    steps: [
      {
        id: 'train', skill: 'python', skillVersion: '1.1.0', params: { script: 'train.py', lr: 0.1, layers: [64, 64] },
        cacheKey: D1, cacheHit: false, attempt: 1, state: 'COMPLETED', outputs: { model: { $artifact: D2, size: 3, name: 'm.bin' }, acc: 0.9 },
        artifacts: { model: D2 }, durationMs: 120, command: null,
      },
    ],
    data: { [D2]: { size: 3, producedBy: ['train.outputs.model'], consumedBy: [] } },
    code: { dir: '/x', experimentFile: '/x/e.yaml', experimentDigest: D1, git: null, files: { 'train.py': D1 } },
    environment: {
      os: { platform: 'linux', release: '6.1', arch: 'x64' }, cpu: { model: 'cpu', count: 8 }, memoryBytes: 1024, node: 'v20.11.0',
      python: '3.11.2', pip: null, torch: null, cuda: null, gpus: [],
    },
    capturedAt: 4,
    metrics: { train: { loss: 0.5 } },
  });
}

describe('diffManifests', () => {
  it('reports exactly the one changed param and marks every other section identical', () => {
    const a = fixture();
    const b = fixture();
    (b.steps[0]!.params as Record<string, unknown>).lr = 0.01;
    // Run identity, timestamps and durations are never compared.
    b.run = { ...b.run, id: 'r2', createdAt: 10, startedAt: 11, endedAt: 12 };
    b.steps[0]!.durationMs = 999;
    b.capturedAt = 99;
    b.code.dir = '/elsewhere';
    const d = diffManifests(a, b);
    expect(d.params).toEqual({ identical: false, changes: [{ path: 'train.lr', a: 0.1, b: 0.01 }] });
    for (const s of DIFF_SECTIONS.filter((x) => x !== 'params')) expect(d[s], s).toEqual({ identical: true, changes: [] });
  });

  it('shows a changed artifact under data by the output that holds it, and added/removed leaves as null', () => {
    const a = fixture();
    const b = fixture();
    b.data = { [D1]: { size: 3, producedBy: ['train.outputs.model'], consumedBy: [] } };
    b.metrics = { train: { loss: 0.5, acc: 0.7 } };
    b.environment.gpus = [{ name: 'A100', driver: '550' }];
    const d = diffManifests(a, b);
    expect(d.data.changes).toEqual([{ path: 'train.outputs.model', a: D2, b: D1 }]);
    expect(d.metrics.changes).toEqual([{ path: 'train.acc', a: null, b: 0.7 }]);
    expect(d.environment.changes).toEqual([
      { path: 'gpus', a: [], b: null },
      { path: 'gpus.0.driver', a: null, b: '550' },
      { path: 'gpus.0.name', a: null, b: 'A100' },
    ]);
    expect(d.steps.identical).toBe(true);
  });

  it('flattens nested values to dotted leaves', () => {
    expect([...flatten({ a: { b: [1, { c: 2 }] }, e: {} })]).toEqual([['a.b.0', 1], ['a.b.1.c', 2], ['e', {}]]);
  });
});
