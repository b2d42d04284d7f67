import { describe, expect, it } from 'vitest';
import { formatDiff, show } from './diff';

const same = { identical: true, changes: [] };

describe('sgr diff text', () => {
  it('collapses identical sections and cuts hashes to 12 hex characters', () => {
    const d = `sha256:${'ab'.repeat(32)}`;
    const text = formatDiff('A', 'B', {
      params: { identical: false, changes: [{ path: 'train.lr', a: 0.1, b: 0.01 }] },
      data: { identical: false, changes: [{ path: 'train.outputs.model', a: d, b: null }] },
      code: same, environment: same, metrics: same, steps: same,
    });
    expect(text).toBe([
      'diff A → B',
      'params: 1 change',
      '  train.lr: 0.1 → 0.01',
      'data: 1 change',
      `  train.outputs.model: sha256:abababababab → —`,
      'code: identical',
      'environment: identical',
      'metrics: identical',
      'steps: identical',
      '',
    ].join('\n'));
    expect(show({ commit: 'f'.repeat(40) })).toBe('{"commit":"ffffffffffff"}');
  });
});
