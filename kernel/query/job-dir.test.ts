import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findJobDir } from './job-dir';

const root = mkdtempSync(join(tmpdir(), 'sgr-jobdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findJobDir', () => {
  it('finds a local job directly under jobs/ and a remote target mirror under jobs/<target>/', async () => {
    mkdirSync(join(root, 'r1.a.1'), { recursive: true });
    mkdirSync(join(root, 'gpu1', 'r1.b.1'), { recursive: true });
    mkdirSync(join(root, 'box', 'r1.c.2'), { recursive: true });
    expect(await findJobDir(root, 'r1.a.1')).toBe(join(root, 'r1.a.1'));
    expect(await findJobDir(root, 'r1.b.1')).toBe(join(root, 'gpu1', 'r1.b.1'));
    expect(await findJobDir(root, 'r1.c.2')).toBe(join(root, 'box', 'r1.c.2'));
  });

  it('answers undefined for an unknown job, an unsafe id, or a missing root', async () => {
    expect(await findJobDir(root, 'r9.x.1')).toBeUndefined();
    expect(await findJobDir(root, '../etc')).toBeUndefined();
    expect(await findJobDir(join(root, 'nope'), 'r1.a.1')).toBeUndefined();
  });

  it('never looks inside a local job directory for another job', async () => {
    mkdirSync(join(root, 'r2.a.1', 'r2.b.1'), { recursive: true });
    expect(await findJobDir(root, 'r2.b.1')).toBeUndefined();
  });
});
