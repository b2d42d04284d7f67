import { describe, expect, it } from 'vitest';
import { launchInput } from '../../../../kernel/common/contract-launch';
import { buildLaunch, EMPTY_FORM, fieldOfKernelError, parseValues, sweepTrials, type LaunchForm } from './launch-form';

const form = (patch: Partial<LaunchForm>): LaunchForm => ({ ...EMPTY_FORM, ...patch });

describe('launch form', () => {
  it('parses grid values: numbers, booleans, quoted strings; blanks and duplicates dropped', () => {
    expect(parseValues('1, 2.5,, 1e-3, true, "3", abc, 2.5\n4')).toEqual([1, 2.5, 0.001, true, '3', 'abc', 4]);
    expect(parseValues('  ')).toEqual([]);
  });

  it('builds a plain launch that the contract accepts', () => {
    const r = buildLaunch(form({ tags: ['a'], concurrency: '2', maxMinutes: '1.5' }), '/x/exp.yaml', 'text');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.runs).toBe(1);
    expect(r.input).toEqual({ path: '/x/exp.yaml', text: 'text', target: 'local', tags: ['a'], concurrency: 2, parallelRuns: 1, budget: { maxMinutes: 1.5 } });
    expect(launchInput.safeParse(r.input).success).toBe(true);
  });

  it('builds a grid sweep with one run per value, capped by max runs', () => {
    const r = buildLaunch(form({ sweepOn: true, step: 'train', param: 'overrides.lr', values: '0.1, 0.2, 0.3', maxRuns: '2' }), 'e.yaml', undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.runs).toBe(2);
    expect(r.input.sweep).toEqual({ step: 'train', param: 'overrides.lr', protocol: 'grid', seed: 0, values: [0.1, 0.2, 0.3] });
    expect(r.input.text).toBeUndefined();
    expect(launchInput.safeParse(r.input).success).toBe(true);
  });

  it('builds random and TPE sweeps from a range', () => {
    const random = buildLaunch(form({ sweepOn: true, step: 's', param: 'p', protocol: 'random', low: '1', high: '8', int: true, trials: '5', seed: '7' }), 'e.yaml', undefined);
    expect(random.ok && random.input.sweep).toEqual({ step: 's', param: 'p', protocol: 'random', seed: 7, range: { low: 1, high: 8, log: false, int: true }, trials: 5 });
    expect(random.runs).toBe(5);
    const tpe = buildLaunch(form({ sweepOn: true, step: 's', param: 'p', protocol: 'tpe', low: '0.001', high: '0.1', log: true, trials: '4', objective: 'eval.loss', direction: 'minimize' }), 'e.yaml', undefined);
    expect(tpe.ok && tpe.input.sweep?.objective).toEqual({ metric: 'eval.loss', direction: 'minimize' });
    if (tpe.ok) expect(launchInput.safeParse(tpe.input).success).toBe(true);
  });

  it('names every field that is wrong', () => {
    const r = buildLaunch(form({ concurrency: '0', parallelRuns: '1.5', maxMinutes: '-1', maxRuns: 'x', sweepOn: true }), 'e.yaml', undefined);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['concurrency', 'parallelRuns', 'maxMinutes', 'maxRuns', 'step', 'param', 'values']);
    expect(r.errors[0]!.message).toBe('Concurrency: must be at least 1, got 0');
    expect(r.errors[3]!.message).toBe('Max runs: "x" is not a number');
    expect(r.errors[6]!.message).toMatch(/^Sweep values: give at least one value/);
  });

  it('checks ranges: high above low, log needs positive low, TPE needs <step>.<metric>', () => {
    const r = buildLaunch(form({ sweepOn: true, step: 's', param: 'p', protocol: 'tpe', low: '0', high: '0', log: true, trials: '', objective: 'loss' }), 'e.yaml', undefined);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['high', 'low', 'trials', 'objective']);
    expect(r.runs).toBeNull();
  });

  it('counts trials per protocol', () => {
    expect(sweepTrials(form({}))).toBe(1);
    expect(sweepTrials(form({ sweepOn: true, values: 'a,b' }))).toBe(2);
    expect(sweepTrials(form({ sweepOn: true, protocol: 'random', trials: '12' }))).toBe(12);
    expect(sweepTrials(form({ sweepOn: true, protocol: 'random', trials: 'many' }))).toBeNull();
  });

  it('maps kernel errors to the field they name', () => {
    expect(fieldOfKernelError('runs.launch: sweep.values.0: Invalid input')).toBe('values');
    expect(fieldOfKernelError('runs.launch: sweep.range.high: Too small')).toBe('high');
    expect(fieldOfKernelError('runs.launch: budget.maxRuns: Too small')).toBe('maxRuns');
    expect(fieldOfKernelError('sweep.param "lr" is not a param of step train')).toBe('param');
    expect(fieldOfKernelError('target: unknown target "gpu" (known: local)')).toBe('target');
    expect(fieldOfKernelError('runs.launch: sweep: step "data", param "source.synthetic.seed" = "a": step "data" params.source.synthetic.seed: expected number')).toBe('values');
    expect(fieldOfKernelError('sweep: step "data", param "args.x": params.args is a list, not a map of parameters')).toBe('param');
    expect(fieldOfKernelError('sweep: step "data", param "seed": random needs a range { low, high }')).toBe('low');
    expect(fieldOfKernelError('sweep: step "data", param "seed": random needs trials (how many runs)')).toBe('trials');
    expect(fieldOfKernelError('sweep: the plan has no step "x" (steps: a, b)')).toBe('step');
    expect(fieldOfKernelError('/x/e.yaml: step "b" deps.0: unknown step')).toBeNull();
  });
});
