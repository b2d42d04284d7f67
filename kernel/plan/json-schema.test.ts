import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentJsonSchema } from './json-schema';

const shipped = new URL('../../schema/experiment.schema.json', import.meta.url);

describe('experiment JSON Schema', () => {
  const schema = experimentJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }>; required?: string[] };

  it('describes the real structure, not an empty pipe', () => {
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'name', 'steps', 'sweeps', 'defaults', 'concurrency']));
    expect(schema.required).toContain('name');
    const step = (schema.properties.steps as { additionalProperties: { properties: Record<string, unknown>; required: string[] } }).additionalProperties;
    expect(Object.keys(step.properties)).toEqual(expect.arrayContaining(['skill', 'params', 'inputs', 'deps', 'retry', 'timeout']));
    expect(step.required).toEqual(['skill']);
    expect(JSON.stringify(step.properties.timeout)).toContain('ms|s|m|h');
    const sweep = (schema.properties.sweeps as { additionalProperties: { properties: Record<string, unknown> } }).additionalProperties;
    expect(Object.keys(sweep.properties)).toEqual(expect.arrayContaining(['grid', 'random', 'tpe', 'curriculum', 'ensemble', 'seeds', 'objective', 'select', 'steps']));
  });

  it('is shipped up to date in schema/experiment.schema.json (regenerate: npm run build && node bin/sgr.mjs schema > schema/experiment.schema.json)', () => {
    expect(JSON.parse(readFileSync(shipped, 'utf8'))).toEqual(experimentJsonSchema());
  });
});
