import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../common/plan';
import { ExperimentError, formatProblem, loadExperiment, parseExperiment, type LoadedExperiment } from './load-experiment';

const FULL = `# experiment.yaml
version: 1
name: fanout-demo
description: squares numbers
concurrency: 2
budget: { wallTimeSec: 600 }
defaults:
  capabilities: [subprocess, fs]
  retry: { max: 1, backoff: 500ms, factor: 2, maxBackoff: 1m, on: [timeout, infrastructure] }
  timeout: 10m
  target: local
  cache: true
steps:
  prepare:
    skill: shell
    description: writes the numbers
    params:
      command: seq 1 100 > numbers.txt
      outputs: { numbers: numbers.txt }
  square:
    skill: python
    deps: [prepare]
    inputs:
      numbers: \${steps.prepare.outputs.numbers}
    params: { script: scripts/square.py }
    capabilities: [subprocess]
    retry: { max: 2 }
    timeout: 30s
    target: local
    cache: false
`;

/** The problems of a file that must not load, as `line:col path: message` for compact asserts. */
function problemsOf(text: string): string[] {
  try {
    parseExperiment(text, 'experiment.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ExperimentError);
    return (err as ExperimentError).problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}${p.hint ? ` | ${p.hint}` : ''}`);
  }
  throw new Error('expected the experiment to be refused');
}

function errorOf(text: string): ExperimentError {
  try {
    parseExperiment(text, 'experiment.yaml');
  } catch (err) {
    return err as ExperimentError;
  }
  throw new Error('expected the experiment to be refused');
}

describe('loadExperiment: a valid file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgr-exp-'));
  mkdirSync(join(dir, 'fanout'));
  const file = join(dir, 'fanout', 'experiment.yaml');
  writeFileSync(file, FULL);

  it('builds the exact plan: defaults merged field by field, durations in ms, baseDir', () => {
    const loaded = loadExperiment(file);
    expect(loaded.plan).toEqual({
      name: 'fanout-demo',
      concurrency: 2,
      budget: { wallTimeSec: 600 },
      baseDir: join(dir, 'fanout'),
      steps: [
        {
          id: 'prepare',
          skill: 'shell',
          params: { command: 'seq 1 100 > numbers.txt', outputs: { numbers: 'numbers.txt' } },
          inputs: {},
          deps: [],
          capabilities: ['subprocess', 'fs'],
          retry: { max: 1, backoffMs: 500, factor: 2, maxBackoffMs: 60_000, on: ['timeout', 'infrastructure'] },
          timeoutMs: 600_000,
          target: 'local',
          cache: true,
        },
        {
          id: 'square',
          skill: 'python',
          params: { script: 'scripts/square.py' },
          inputs: { numbers: '${steps.prepare.outputs.numbers}' },
          deps: ['prepare'],
          capabilities: ['subprocess'],
          // Only max is the step's own; the rest comes from defaults.retry.
          retry: { max: 2, backoffMs: 500, factor: 2, maxBackoffMs: 60_000, on: ['timeout', 'infrastructure'] },
          timeoutMs: 30_000,
          target: 'local',
          cache: false,
        },
      ],
    });
    expect(loaded.file).toBe(file);
    expect(loaded.text).toBe(FULL);
    expect(loaded.description).toBe('squares numbers');
    expect(loaded.descriptions).toEqual({ prepare: 'writes the numbers' });
  });

  it('fills what neither the step nor defaults set from the Plan IR defaults', () => {
    const { plan, description } = parseExperiment('name: tiny\nsteps:\n  only: { skill: noop }\n', 'sub/experiment.yaml');
    expect(plan.concurrency).toBe(4);
    expect(plan.budget).toEqual({});
    expect(plan.baseDir).toBe(join(process.cwd(), 'sub'));
    expect(plan.steps[0]).toEqual({
      id: 'only', skill: 'noop', params: {}, inputs: {}, deps: [], capabilities: ['subprocess'],
      retry: DEFAULT_RETRY, timeoutMs: 0, target: 'local', cache: true,
    });
    expect(description).toBeUndefined();
  });

  it('keeps step order, numeric timeouts in seconds, and anchors merged with <<', () => {
    const { plan } = parseExperiment(
      'name: x\nsteps:\n  zeta: &base { skill: shell, timeout: 1.5, cache: false }\n  alpha: { <<: *base, skill: noop }\n',
      'experiment.yaml',
    );
    expect(plan.steps.map((s) => [s.id, s.skill, s.timeoutMs, s.cache])).toEqual([
      ['zeta', 'shell', 1500, false],
      ['alpha', 'noop', 1500, false],
    ]);
  });
});

describe('parseExperiment: problems', () => {
  it('reports a YAML syntax error with line and column', () => {
    expect(problemsOf('name: x\nsteps:\n  a:\n\tskill: shell\n')).toEqual([
      '4:1 : YAML syntax: Tabs are not allowed as indentation | indent with spaces; YAML does not allow tabs for indentation',
    ]);
    expect(problemsOf('name: x\nsteps:\n  a: { skill: shell, inputs: { d: ${steps.p.outputs.d} } }\n')[0]).toBe(
      '3:36 : YAML syntax: Unexpected flow-map-start at node end | quote references inside { } or [ ], e.g. { data: "${steps.prepare.outputs.data}" }',
    );
  });

  it('reports several schema problems at once, sorted, each at the offending node', () => {
    const err = errorOf(`name: ""
concurrency: 0
defaults:
  retry: { max: three }
steps:
  train:
    skill: python
    cache: yes
    capabilities: [gpu, disk]
    deps: prepare
    params:
  eval:
    params: {}
`);
    expect(err.message).toBe(
      [
        'experiment.yaml:1:7: name: expected a non-empty string, got ""',
        'experiment.yaml:2:14: concurrency: expected a whole number ≥ 1, got 0',
        'experiment.yaml:4:17: defaults.retry.max: expected a whole number ≥ 0, got "three"',
        'experiment.yaml:8:12: steps.train.cache: expected true or false, got "yes"',
        'experiment.yaml:9:25: steps.train.capabilities.1: expected one of fs, net, gpu, subprocess, got "disk"',
        'experiment.yaml:10:11: steps.train.deps: expected a list of step ids, got "prepare"',
        '  hint: write a list: [prepare]',
        'experiment.yaml:11:5: steps.train.params: expected a map of parameters, got nothing',
        'experiment.yaml:13:5: steps.eval: missing required key "skill"',
        '  hint: every step names the skill that runs it, e.g. skill: shell',
      ].join('\n'),
    );
    expect(err.problems[0]).toEqual({ file: 'experiment.yaml', line: 1, col: 7, path: 'name', message: 'expected a non-empty string, got ""' });
  });

  it('points at an unknown key and suggests the intended one', () => {
    expect(
      problemsOf('name: x\ngrid: { lr: [1, 2] }\nsteps:\n  a:\n    skill: noop\n    dependencies: [b]\n    timout: 5s\n    colour: red\n'),
    ).toEqual([
      '2:1 grid: unknown key "grid" | sweeps go under sweeps: { <name>: { grid: { rank: [8, 16] }, steps: { … } } } (format version 2)',
      '6:5 steps.a.dependencies: unknown key "dependencies" | did you mean "deps"?',
      '7:5 steps.a.timout: unknown key "timout" | did you mean "timeout"?',
      '8:5 steps.a.colour: unknown key "colour" | allowed keys here: skill, description, params, inputs, deps, trigger, capabilities, retry, timeout, target, cache, priority, resources, image, preemptible',
    ]);
    expect(problemsOf('name: x\nsteps:\n  a: { skill: noop, retry: { backoffMs: 100 } }\n')).toEqual([
      '3:30 steps.a.retry.backoffMs: unknown key "backoffMs" | did you mean "backoff"?',
    ]);
  });

  it('refuses duplicate keys at the second occurrence', () => {
    expect(problemsOf('name: x\nsteps:\n  a:\n    skill: noop\n  a:\n    skill: shell\n    cache: true\n    cache: false\n')).toEqual([
      '5:3 steps.a: duplicate key "a" | step ids must be unique; rename one of the steps',
      '8:5 steps.a.cache: duplicate key "cache" | a key may appear only once in a map',
    ]);
    // yaml reports an empty-valued duplicate at the end of the previous line; we point at the key.
    expect(problemsOf('name: x\nsteps:\n  a:\n  a:\n    skill: noop\n')).toEqual([
      '4:3 steps.a: duplicate key "a" | step ids must be unique; rename one of the steps',
    ]);
  });

  it('refuses a bad step id at the key', () => {
    expect(problemsOf('name: x\nsteps:\n  9lives: { skill: noop }\n  ok: { skill: noop, deps: [has space] }\n  __proto__: { skill: noop }\n')).toEqual([
      '3:3 steps.9lives: invalid step id "9lives" | a step id starts with a letter or _ and holds only letters, digits, _ and -',
      '4:29 steps.ok.deps.0: expected a step id, got "has space" | a step id starts with a letter or _ and holds only letters, digits, _ and -',
      '5:3 steps.__proto__: invalid step id "__proto__" | "__proto__" is reserved',
    ]);
  });

  it('refuses bad durations with the accepted forms as hint', () => {
    const forms = 'accepted forms: 250ms, 30s, 1.5m, 2h, or a number of seconds such as 90';
    expect(problemsOf('name: x\ndefaults:\n  timeout: 10 minutes\nsteps:\n  a:\n    skill: noop\n    timeout: -5s\n    retry: { backoff: 2h }\n')).toEqual([
      `3:12 defaults.timeout: expected a duration such as 30s or 5m, got "10 minutes" | ${forms}`,
      `7:14 steps.a.timeout: expected a duration such as 30s or 5m, got "-5s" | ${forms}`,
      '8:23 steps.a.retry.backoff: expected a duration of at most 1h, got "2h"',
    ]);
  });

  it('explains an empty file, a file that is not a map, and missing or empty steps', () => {
    const empty = 'the file is empty | an experiment needs at least: name: my-experiment, and steps: { hello: { skill: noop } }';
    expect(problemsOf('')).toEqual([`1:1 : ${empty}`]);
    expect(problemsOf('# nothing yet\n')).toEqual([`1:1 : ${empty}`]);
    expect(problemsOf('- a\n- b\n')).toEqual(['1:1 : expected a map with name and steps at the top level, got a list | an experiment file starts like: name: my-experiment']);
    expect(problemsOf('# c\ndescription: hi\n')).toEqual([
      '2:1 : missing required key "name" | give the experiment a name, e.g. name: my-experiment',
      '2:1 : missing required key "steps" | list the steps as a map keyed by step id, e.g. steps: { hello: { skill: shell, params: { command: echo hi } } }',
    ]);
    expect(problemsOf('name: x\nsteps: {}\n')[0]).toMatch(/^2:8 steps: expected at least one step, got an empty map/);
    expect(problemsOf('name: x\nsteps:\n  - id: a\n')).toEqual([
      '3:3 steps: expected a map of steps keyed by step id, got a list | write "prepare: { skill: shell }" instead of "- id: prepare"',
    ]);
  });

  it('accepts format versions 1 and 2 only, and sweeps only in version 2', () => {
    expect(problemsOf('version: 3\nname: x\nsteps: { a: { skill: noop } }\n')).toEqual(['1:10 version: expected format version 1 or 2, got 3']);
    expect(problemsOf('version: 1\nname: x\nsweeps: { s: { grid: { a: [1] }, steps: { a: { skill: noop } } } }\n')).toEqual([
      '3:9 sweeps: sweeps need format version 2 | add "version: 2" at the top of the file',
    ]);
  });

  it('points at an alias whose anchor does not exist', () => {
    expect(problemsOf('name: x\nsteps:\n  a: { skill: *nope }\n')).toEqual(['3:15 : Unresolved alias (the anchor must be set before the alias): nope']);
  });
});

describe('locate', () => {
  const loaded: LoadedExperiment = parseExperiment(FULL, 'experiment.yaml');
  const at = (stepId: string | null, field: string) => {
    const { line, col } = loaded.locate(stepId, field);
    return `${line}:${col}`;
  };

  it('finds nested fields, list items and top-level fields', () => {
    expect(at('square', 'skill')).toBe('21:12');
    expect(at('square', 'inputs.numbers')).toBe('24:16');
    expect(at('square', 'deps.0')).toBe('22:12');
    expect(at('square', 'retry.max')).toBe('27:19');
    expect(at('prepare', 'params.outputs.numbers')).toBe('19:27');
    expect(at(null, 'budget.wallTimeSec')).toBe('6:24');
    expect(loaded.locate('square', 'skill')).toEqual({ file: 'experiment.yaml', line: 21, col: 12 });
  });

  it('falls back to the nearest ancestor, then the step key, then the file start', () => {
    expect(at('square', 'retry.factor')).toBe('27:12');
    expect(at('square', 'params.script.extra')).toBe('25:23');
    expect(at('square', 'deps.5')).toBe('22:11');
    expect(at('prepare', 'inputs.data')).toBe('14:3');
    expect(at('square', '')).toBe('20:3');
    expect(at('missing', 'skill')).toBe('1:1');
    expect(at(null, 'nothing.here')).toBe('1:1');
  });
});

describe('loadExperiment: unreadable files', () => {
  it('names the missing path', () => {
    const file = join(tmpdir(), 'sgr-no-such-dir', 'experiment.yaml');
    expect(() => loadExperiment(file)).toThrow(new ExperimentError([{ file, line: 1, col: 1, path: '', message: `cannot read ${file}: no such file` }]));
    expect(() => loadExperiment(file)).toThrow(`${file}:1:1: cannot read ${file}: no such file`);
  });

  it('refuses a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgr-exp-'));
    expect(() => loadExperiment(dir)).toThrow(`cannot read ${dir}: it is a directory`);
  });
});

describe('formatProblem', () => {
  it('puts the hint on its own indented line and omits an empty path', () => {
    expect(formatProblem({ file: 'e.yaml', line: 3, col: 5, path: 'steps.a.timout', message: 'unknown key "timout"', hint: 'did you mean "timeout"?' })).toBe(
      'e.yaml:3:5: steps.a.timout: unknown key "timout"\n  hint: did you mean "timeout"?',
    );
    expect(formatProblem({ file: 'e.yaml', line: 1, col: 1, path: '', message: 'the file is empty' })).toBe('e.yaml:1:1: the file is empty');
  });
});

describe('parseExperiment: trigger', () => {
  it('passes all_done to the plan and leaves the default out', () => {
    const { plan } = parseExperiment('name: x\nsteps:\n  a: { skill: noop }\n  b: { skill: noop, deps: [a], trigger: all_done }\n  c: { skill: noop, trigger: all_success }\n', 'e.yaml');
    expect(plan.steps.map((s) => s.trigger)).toEqual([undefined, 'all_done', undefined]);
  });
});
