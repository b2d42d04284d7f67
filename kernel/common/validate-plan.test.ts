import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planSchema, type Plan } from './plan';
import { validatePlan } from './validate-plan';

const skills = {
  get: (name: string) =>
    ({
      shell: { params: z.strictObject({ command: z.string(), retries: z.number().optional() }) },
      noop: { params: z.record(z.string(), z.unknown()) },
    })[name],
  names: () => ['noop', 'shell'],
};

const plan = (steps: unknown[]): Plan => planSchema.parse({ name: 't', steps });

describe('validatePlan', () => {
  it('accepts a valid fan-out/fan-in plan', () => {
    const p = plan([
      { id: 'a', skill: 'shell', params: { command: 'echo' } },
      { id: 'b', skill: 'noop', params: { x: '${steps.a.outputs.out}' } },
      { id: 'c', skill: 'noop', deps: ['a'] },
      { id: 'd', skill: 'noop', inputs: { b: '${steps.b.outputs.x}', c: '${steps.c.outputs.y}' } },
    ]);
    expect(validatePlan(p, { skills, targets: ['local'] })).toEqual([]);
  });

  it('reports every problem at once, each with its step and field', () => {
    const p = plan([
      { id: 'a', skill: 'shel', params: {} },
      { id: 'b', skill: 'shell', params: { command: 3 }, deps: ['zz'], target: 'mars' },
      { id: 'c', skill: 'noop', params: { x: '${steps.nope.outputs.y}', y: '${steps.c.outputs.z}' } },
      { id: 'd', skill: 'noop', params: { x: '${steps.e.outputs.o}' } },
      { id: 'e', skill: 'noop', params: { x: '${steps.d.outputs.o}' } },
    ]);
    const issues = validatePlan(p, { skills, targets: ['local'] });
    const lines = issues.map((i) => `${i.stepId}|${i.field}|${i.message}`);
    expect(lines).toContain('a|skill|unknown skill "shel" — did you mean "shell"? (available: noop, shell)');
    expect(lines).toContain('b|target|unknown target "mars" (known: local)');
    expect(lines).toContain('b|deps.0|depends on unknown step "zz"');
    expect(lines.some((l) => l.startsWith('b|params.command|') && /expected string/.test(l))).toBe(true);
    expect(lines).toContain('c|params.x|references unknown step "nope"');
    expect(lines).toContain('c|params.y|a step cannot reference its own outputs');
    expect(lines).toContain('d|deps|dependency cycle: d → e → d');
  });

  it('defers type checks of params that are still references', () => {
    const p = plan([
      { id: 'a', skill: 'noop' },
      { id: 'b', skill: 'shell', params: { command: 'x', retries: '${steps.a.outputs.n}' } },
    ]);
    expect(validatePlan(p, { skills, targets: ['local'] })).toEqual([]);
  });
});
