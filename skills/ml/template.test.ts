/** Command templates: lookup order, shell quoting, unknown and ambiguous placeholders. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildConfig } from './trainer-config';
import { placeholders, renderTemplate, shQuote } from './template';

const config = buildConfig({}, { rank: 16, lr: 0.003 }) as unknown as Record<string, unknown>;

describe('renderTemplate', () => {
  it('fills dotted paths, flat aliases, unique leaves and named variables, each as one quoted word', () => {
    const out = renderTemplate('python train.py --lora_r {{rank}} --lr {{train.lr}} --a {{ alpha }} --data {{train_data}} --out {{out}}', config, {
      train_data: 'inputs/d/train.jsonl',
      out: 'adapter.safetensors',
    });
    expect(out).toBe("python train.py --lora_r '16' --lr '0.003' --a '16' --data 'inputs/d/train.jsonl' --out 'adapter.safetensors'");
  });

  it('uses the alias before a leaf search (lr is both pretrain.lr and train.lr)', () => {
    expect(renderTemplate('{{lr}} {{pretrain.lr}}', config)).toBe("'0.003' '0.006'");
  });

  it('renders lists as JSON and null as an empty word', () => {
    expect(renderTemplate('{{targets}} {{difficulty}}', config)).toBe(`'["q","v"]' ''`);
  });

  it('quotes values so the shell sees them verbatim', () => {
    const nasty = `it's $(rm -rf /) "x" \`y\` ; | &`;
    const cmd = renderTemplate('printf %s {{v}}', {}, { v: nasty });
    const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
    expect(r.stdout).toBe(nasty);
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('names an unknown placeholder and the known ones', () => {
    expect(() => renderTemplate('run {{rnak}}', config, { out: 'x' })).toThrow(/unknown placeholder \{\{rnak\}\} — known: out, seed, threads, model\.d_model/);
  });

  it('refuses an ambiguous leaf name and a variable without a value', () => {
    expect(() => renderTemplate('{{x}}', { a: { x: 1 }, b: { x: 2 } })).toThrow(/\{\{x\}\} is ambiguous: write one of \{\{a\.x\}\}, \{\{b\.x\}\}/);
    expect(() => renderTemplate('{{base}}', config, { base: null })).toThrow(/\{\{base\}\} has no value/);
  });

  it('computes a lazy variable only when the template uses it', () => {
    let calls = 0;
    const python = (): string => (calls++, '/usr/bin/python3');
    expect(renderTemplate('echo', config, { python })).toBe('echo');
    expect(renderTemplate('{{python}} -V', config, { python })).toBe("'/usr/bin/python3' -V");
    expect(calls).toBe(1);
  });

  it('lists placeholders once each', () => {
    expect(placeholders('{{a}} {{b.c}} {{ a }}')).toEqual(['a', 'b.c']);
  });
});
