/** The artifact skill: files below the experiment directory, re-registered inputs, cache inputs. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArtifactRef } from '../../kernel/common/plan';
import type { SkillContext } from '../../kernel/skills/api';
import { artifactParams, artifactSkill } from './artifact';

function setup(): { dir: string; ctx: (inputs?: Record<string, unknown>) => SkillContext } {
  const root = mkdtempSync(join(tmpdir(), 'sgr-art-'));
  const dir = join(root, 'exp');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'gold.jsonl'), '{"q":1}\n');
  writeFileSync(join(root, 'secret.txt'), 'no');
  symlinkSync(join(root, 'secret.txt'), join(dir, 'link.txt'));
  const ctx = (inputs: Record<string, unknown> = {}): SkillContext => ({
    runId: 'r', stepId: 's', attempt: 1, baseDir: dir, inputs,
    putArtifact: async (name, data): Promise<ArtifactRef> => ({ $artifact: `sha256:${'1'.repeat(64)}`, size: data.length, name }),
    readArtifact: () => Promise.reject(new Error('unused')),
    effect: (_k, _d, fn) => fn(),
    log: () => undefined,
  });
  return { dir, ctx };
}

describe('artifact skill', () => {
  it('registers a file and an input under names with metadata; other inputs keep their own name', async () => {
    const { ctx } = setup();
    const ref = { $artifact: `sha256:${'2'.repeat(64)}`, size: 5, name: 'adapter.safetensors' };
    const other = { $artifact: `sha256:${'3'.repeat(64)}`, size: 1, name: 'x.bin' };
    const out = await artifactSkill.run(
      { files: { gold: { path: 'data/gold.jsonl', meta: { split: 'test' } }, best: { from: 'adapter', meta: { rank: 8 } } } },
      ctx({ adapter: ref, extra: other }),
    );
    expect(out).toEqual({
      gold: { $artifact: `sha256:${'1'.repeat(64)}`, size: 8, name: 'gold.jsonl', meta: { split: 'test' } },
      best: { ...ref, meta: { rank: 8 } },
      extra: { ...other, meta: {} },
    });
    expect(artifactSkill.outputs.safeParse(out).success).toBe(true);
  });

  it('refuses paths that leave the experiment directory, also through a symlink', async () => {
    const { ctx } = setup();
    await expect(artifactSkill.run({ files: { a: { path: '../secret.txt' } } }, ctx())).rejects.toThrow(/files\.a\.path: "\.\.\/secret\.txt" leaves the experiment directory/);
    await expect(artifactSkill.run({ files: { a: { path: 'link.txt' } } }, ctx())).rejects.toThrow(/leaves the experiment directory/);
    await expect(artifactSkill.run({ files: { a: { path: 'missing.txt' } } }, ctx())).rejects.toThrow(/cannot read/);
    await expect(artifactSkill.run({ files: { a: { from: 'nope' } } }, ctx())).rejects.toThrow(/input "nope" is not an artifact/);
  });

  it('needs exactly one of path or from', () => {
    expect(artifactParams.safeParse({ files: { a: { path: 'x', from: 'y' } } }).error?.issues[0]?.message).toBe('give exactly one of path or from');
  });

  it('puts the files\' digests into the cache key', () => {
    const { dir } = setup();
    const before = artifactSkill.cacheInputs?.({ files: { gold: { path: 'data/gold.jsonl' } } }, dir);
    writeFileSync(join(dir, 'data', 'gold.jsonl'), '{"q":2}\n');
    const after = artifactSkill.cacheInputs?.({ files: { gold: { path: 'data/gold.jsonl' } } }, dir);
    expect(before?.gold).toMatch(/^sha256:/);
    expect(after?.gold).not.toBe(before?.gold);
  });
});
