/** File ingest: JSONL and RFC-4180 CSV, errors with line numbers, paths kept inside the experiment directory. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingestFile, parseCsv, parseJsonl, resolveInside } from './ingest';

describe('JSONL', () => {
  it('reads one object per line, skipping blank lines and CRLF endings', () => {
    expect(parseJsonl('{"a":1}\r\n\n{"b":"x"}\n', 'd.jsonl')).toEqual([{ a: 1 }, { b: 'x' }]);
  });

  it('names the file and line of a bad line', () => {
    expect(() => parseJsonl('{"a":1}\n\n{"a":\n', 'data/d.jsonl')).toThrow(/^data\/d\.jsonl:3: invalid JSON/);
    expect(() => parseJsonl('{"a":1}\n[1,2]\n', 'd.jsonl')).toThrow('d.jsonl:2: expected a JSON object, got an array');
  });
});

describe('CSV', () => {
  it('handles quoted commas, doubled quotes, newlines inside quotes and CRLF', () => {
    const text = 'question,sql,difficulty\r\n"Who earns more than 5,000?","SELECT name FROM e WHERE note = ""a,b""",2\r\n"two\nlines",x,1\r\n';
    expect(parseCsv(text, 'd.csv')).toEqual([
      { question: 'Who earns more than 5,000?', sql: 'SELECT name FROM e WHERE note = "a,b"', difficulty: '2' },
      { question: 'two\nlines', sql: 'x', difficulty: '1' },
    ]);
  });

  it('keeps empty fields and accepts a last line without a newline', () => {
    expect(parseCsv('a,b\n,""\n1,2', 'd.csv')).toEqual([{ a: '', b: '' }, { a: '1', b: '2' }]);
  });

  it('names the line of a record with the wrong number of fields (counting lines inside quotes)', () => {
    expect(() => parseCsv('a,b\n"x\ny",1\n1,2,3\n', 'd.csv')).toThrow('d.csv:4: expected 2 fields (as in the header), got 3');
    expect(() => parseCsv('a,b\n1,"open\n', 'd.csv')).toThrow('d.csv:2: unterminated quoted field');
    expect(() => parseCsv('a,b\n1,x"y\n', 'd.csv')).toThrow(/d\.csv:2: a quote inside an unquoted field/);
  });
});

describe('paths', () => {
  const base = mkdtempSync(join(tmpdir(), 'sgr-ds-'));
  const outside = mkdtempSync(join(tmpdir(), 'sgr-ds-out-'));
  mkdirSync(join(base, 'data'));
  writeFileSync(join(base, 'data', 'd.csv'), 'id,question\n1,"a, b"\n');
  writeFileSync(join(outside, 'secret.jsonl'), '{"a":1}\n');
  symlinkSync(join(outside, 'secret.jsonl'), join(base, 'link.jsonl'));

  it('reads a file below the experiment directory and reports its digest', () => {
    const r = ingestFile(base, 'data/d.csv');
    expect(r.rows).toEqual([{ id: '1', question: 'a, b' }]);
    expect(r.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses paths that escape it, also through a symlink', () => {
    expect(() => resolveInside(base, '../x.jsonl')).toThrow(/no such file|outside the experiment directory/);
    expect(() => resolveInside(base, join(outside, 'secret.jsonl'))).toThrow(/outside the experiment directory/);
    expect(() => resolveInside(base, 'link.jsonl')).toThrow(/outside the experiment directory/);
    expect(() => ingestFile(base, 'missing.csv')).toThrow('source.path: missing.csv: no such file');
  });

  it('refuses other file types', () => {
    writeFileSync(join(base, 'd.txt'), 'x');
    expect(() => ingestFile(base, 'd.txt')).toThrow('unsupported file type ".txt"');
  });
});
