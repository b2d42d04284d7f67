import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/helpers';
import { TRAINER_DEFAULTS } from './trainer-config';

describe('trainer config mirror', () => {
  it('has exactly the Python trainer\'s defaults (sdk/python/sgr_lora/config.py)', () => {
    // config.py imports only the standard library, so any Python 3 can read it.
    const code = 'import json; from sgr_lora.config import DEFAULTS; print(json.dumps(DEFAULTS))';
    const r = spawnSync('python3', ['-c', code], { env: { ...process.env, PYTHONPATH: join(ROOT, 'sdk', 'python') }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(TRAINER_DEFAULTS).toEqual(JSON.parse(r.stdout));
  });
});
