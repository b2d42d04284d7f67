/** Job builds of train/eval/merge (argv, env, declared outputs) and their collect step. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '../../kernel/dispatch/types';
import { StepFailure } from '../../kernel/lifecycle/failure';
import { buildEvalJob, evalSkill } from './eval';
import { buildMergeJob, mergeSkill } from './merge';
import { resolvePython } from './python-runtime';
import { buildTrainJob, trainSkill } from './train';

const data = { train: 'inputs/d/train/train.jsonl', val: 'inputs/d/val/val.jsonl' };
const py = '/opt/py/bin/python3';

describe('train job', () => {
  it('pretrain writes config.json from the env, then execs sgr_lora with the data', () => {
    const job = buildTrainJob({ mode: 'pretrain', config: { seed: 1, threads: 2 }, python: py }, data);
    expect(job.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(job.argv.slice(3)).toEqual(['sgr-ml', py, '-u', '-m', 'sgr_lora', 'pretrain', '--config', 'config.json', '--train', data.train, '--val', data.val, '--out', 'model.safetensors']);
    expect(JSON.parse(job.env?.SGR_CONFIG_JSON as string)).toEqual({ seed: 1, threads: 2 });
    expect(job.env?.PYTHONPATH?.split(':')[0]).toMatch(/sdk\/python$/);
    expect(job.outputs).toEqual({ model: 'model.safetensors' });
    expect(job.resources).toEqual({ cpus: 2 });
  });

  it('the launcher really writes the config and passes the argv through', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sgr-ml-'));
    const job = buildTrainJob({ mode: 'pretrain', config: { seed: 7, note: "it's" }, python: 'echo' }, data);
    const r = spawnSync(job.argv[0] as string, job.argv.slice(1), { cwd, env: { ...process.env, ...job.env }, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(`-u -m sgr_lora pretrain --config config.json --train ${data.train} --val ${data.val} --out model.safetensors`);
    expect(JSON.parse(readFileSync(join(cwd, 'config.json'), 'utf8'))).toEqual({ seed: 7, note: "it's" });
  });

  it('lora needs a base and passes --init when given', () => {
    expect(() => buildTrainJob({ mode: 'lora', config: {}, python: py }, data)).toThrow(/needs input "base"/);
    const job = buildTrainJob({ mode: 'lora', config: {}, python: py }, { ...data, base: 'inputs/p/model.safetensors', init: 'inputs/x/a.safetensors' });
    expect(job.argv).toContain('finetune');
    expect(job.argv.slice(-4)).toEqual(['--out', 'adapter.safetensors', '--init', 'inputs/x/a.safetensors']);
    expect(job.outputs).toEqual({ adapter: 'adapter.safetensors' });
    expect(() => buildTrainJob({ mode: 'pretrain', config: {}, python: py }, { ...data, base: 'b' })).toThrow(/train \(mode pretrain\) does not take input "base" \(its inputs: train, val\)/);
  });

  it('a user command is rendered with quoted values and declares {{out}} and extra outputs', () => {
    const job = buildTrainJob(
      { mode: 'lora', config: { lora: { rank: 8 }, train: { lr: 0.003 } }, command: 'python train.py --lora_r {{rank}} --lr {{train.lr}} --data {{train_data}} --out {{out}}', outputs: { log: 'log.txt' } },
      data,
    );
    expect(job.argv[2]).toContain(`python train.py --lora_r '8' --lr '0.003' --data '${data.train}' --out 'adapter.safetensors'`);
    expect(job.outputs).toEqual({ adapter: 'adapter.safetensors', log: 'log.txt' });
    expect(() => buildTrainJob({ mode: 'lora', config: {}, command: 'x {{nope}}' }, data)).toThrow(/unknown placeholder \{\{nope\}\}/);
  });

  it('collects the curve, the outputs and the artifact', () => {
    const events: ProtocolEvent[] = [
      { type: 'metric', name: 'val_loss', value: 3, step: 0 },
      { type: 'metric', name: 'train_loss', value: 2.5, step: 10 },
      { type: 'metric', name: 'val_loss', value: 2, step: 10 },
      { type: 'output', name: 'trainable_params', value: 1024 },
      { type: 'output', name: 'val_loss', value: 2 },
      { type: 'output', name: 'pruned', value: false },
    ];
    const ref = { $artifact: `sha256:${'a'.repeat(64)}`, size: 3, name: 'adapter.safetensors' };
    const out = trainSkill.collect({ exitCode: 0, artifacts: { adapter: ref }, events });
    expect(out).toEqual({ exitCode: 0, adapter: ref, trainable_params: 1024, val_loss: 2, pruned: false, curve: { val_loss: [[0, 3], [10, 2]], train_loss: [[10, 2.5]] } });
    expect(trainSkill.outputs.safeParse(out).success).toBe(true);
    expect(() => trainSkill.collect({ exitCode: 0, artifacts: {}, events: [{ type: 'output', name: 'pruned', value: 'yes' }] })).toThrow(StepFailure);
  });
});

describe('eval job', () => {
  it('builds sgr_lora eval with an optional adapter', () => {
    const job = buildEvalJob({ config: {}, python: py }, { base: 'b.st', adapter: 'a.st', data: 'd.jsonl' });
    expect(job.argv.slice(5)).toEqual(['-u', '-m', 'sgr_lora', 'eval', '--config', 'config.json', '--base', 'b.st', '--adapter', 'a.st', '--data', 'd.jsonl', '--out', 'metrics.json']);
    expect(buildEvalJob({ config: {}, python: py }, { base: 'b.st', data: 'd.jsonl' }).argv).not.toContain('--adapter');
    expect(() => buildEvalJob({ config: {}, python: py }, { base: 'b.st' })).toThrow(/needs input "data"/);
    const ensemble = buildEvalJob({ config: {}, python: py }, { base: 'b.st', adapters: ['a.st', 'b.st'], data: 'd' });
    expect(ensemble.argv.join(' ')).toContain('--adapter a.st --adapter b.st --data d');
    expect(() => buildEvalJob({ config: {}, python: py }, { base: 'b.st', adapter: 'a', adapters: ['a', 'b'], data: 'd' })).toThrow(/either input "adapter" or "adapters"/);
    expect(() => buildEvalJob({ config: {}, python: py }, { base: 'b.st', adapters: ['a', null], data: 'd' })).toThrow(/adapters.1 must be an adapter artifact/);
    expect(() => buildEvalJob({ config: {}, python: py }, { base: 'b.st', dta: 'd' })).toThrow(/does not take input "dta"/);
  });

  it('a user command\'s JSON stdout line becomes outputs', () => {
    const python = resolvePythonOrPlain();
    const cwd = mkdtempSync(join(tmpdir(), 'sgr-ml-'));
    const events = join(cwd, 'events.jsonl');
    const job = buildEvalJob({ config: { k: 5 }, command: `echo hello; echo '{"exact_match": 0.25, "k": '{{k}}'}'`, python }, { data: 'd.jsonl' });
    const r = spawnSync(job.argv[0] as string, job.argv.slice(1), { cwd, env: { ...process.env, ...job.env, SGR_EVENTS_FILE: events }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('hello');
    const lines = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ProtocolEvent);
    expect(lines).toEqual([{ type: 'output', name: 'exact_match', value: 0.25 }, { type: 'output', name: 'k', value: 5 }]);
    const out = evalSkill.collect({ exitCode: 0, artifacts: {}, events: lines });
    expect(out).toMatchObject({ exitCode: 0, exact_match: 0.25, loss: null, n: null, k: 5 });
  });

  it('fails a job that reported no metric, with a hint', () => {
    expect(() => evalSkill.collect({ exitCode: 0, artifacts: {}, events: [] })).toThrow(/reported no metric.*log_output/);
  });
});

describe('merge job', () => {
  it('builds sgr_lora merge and collects verified and the diff', () => {
    const job = buildMergeJob({ tol: 1e-4, python: py }, { base: 'b.st', adapter: 'a.st' });
    expect(job.argv).toEqual([py, '-u', '-m', 'sgr_lora', 'merge', '--base', 'b.st', '--adapter', 'a.st', '--out', 'merged.safetensors', '--tol', '0.0001']);
    const ref = { $artifact: `sha256:${'b'.repeat(64)}`, size: 3, name: 'merged.safetensors' };
    const out = mergeSkill.collect({ exitCode: 0, artifacts: { merged: ref }, events: [{ type: 'output', name: 'max_abs_diff', value: 1e-9 }, { type: 'output', name: 'verified', value: true }] });
    expect(out).toEqual({ exitCode: 0, merged: ref, max_abs_diff: 1e-9, verified: true });
    expect(() => mergeSkill.collect({ exitCode: 0, artifacts: { merged: ref }, events: [] })).toThrow(/did not report "verified"/);
  });
});

describe('resolvePython', () => {
  it('prefers the param, then SGR_PYTHON, then a candidate with torch', () => {
    expect(resolvePython('/x/python', { SGR_PYTHON: '/y/python' })).toBe('/x/python');
    expect(resolvePython(undefined, { SGR_PYTHON: '/y/python' })).toBe('/y/python');
    expect(() => resolvePython(undefined, {}, ['/nonexistent/python3'])).toThrow(/no Python with PyTorch found .*install python3-torch \(Debian\) or pip install torch, or set SGR_PYTHON/);
  });
});

/** Any Python 3 runs the stdout wrapper. */
function resolvePythonOrPlain(): string {
  return spawnSync('python3', ['-V']).status === 0 ? 'python3' : '/usr/bin/python3';
}
