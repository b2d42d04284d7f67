import { describe, expect, it } from 'vitest';
import { fromText, getPath, toText } from './values';

describe('form values', () => {
  it('reads dotted paths', () => {
    expect(getPath({ a: { b: { c: 3 } } }, 'a.b.c')).toBe(3);
    expect(getPath({ a: 1 }, 'a.b')).toBeUndefined();
  });

  it('parses typed text and refuses what does not fit the type', () => {
    expect(fromText({ type: 'integer' }, ' 42 ')).toEqual({ ok: true, value: 42 });
    expect(fromText({ type: 'integer' }, '4.5')).toEqual({ ok: false, error: '4.5 is not an integer' });
    expect(fromText({ type: 'number' }, 'abc').ok).toBe(false);
    expect(fromText({ type: 'string' }, '')).toEqual({ ok: true, value: undefined });
    expect(fromText({ type: 'object' }, '{ a: 1 }')).toEqual({ ok: true, value: { a: 1 } });
    expect(fromText({ type: 'array' }, '[1, 2').ok).toBe(false);
  });

  it('shows structures as flow YAML', () => {
    expect(toText({ a: [1, 2] })).toBe('{ a: [ 1, 2 ] }');
    expect(toText(undefined)).toBe('');
  });
});
