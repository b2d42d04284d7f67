import { describe, expect, it } from 'vitest';
import { MAX_PROTOCOL_LINE_LENGTH, ProtocolReader, parseProtocolLine } from './protocol';

describe('parseProtocolLine', () => {
  it('parses every event type of the protocol', () => {
    const lines = [
      '{"type":"metric","name":"loss","value":0.42,"step":10}',
      '{"type":"params","values":{"lr":0.001,"layers":[1,2]}}',
      '{"type":"artifact","path":"out/model.bin","name":"model","meta":{"format":"pt"}}',
      '{"type":"output","name":"accuracy","value":0.91}',
      '{"type":"checkpoint","path":"ckpt/3.pt","step":3}',
      '{"type":"heartbeat"}',
      '{"type":"progress","fraction":0.5,"message":"epoch 1/2"}',
    ];
    const events = lines.map((l, i) => parseProtocolLine(l, i + 1));
    expect(events.map((e) => e.warning)).toEqual(lines.map(() => undefined));
    expect(events.map((e) => e.event)).toEqual([
      { type: 'metric', name: 'loss', value: 0.42, step: 10 },
      { type: 'params', values: { lr: 0.001, layers: [1, 2] } },
      { type: 'artifact', path: 'out/model.bin', name: 'model', meta: { format: 'pt' } },
      { type: 'output', name: 'accuracy', value: 0.91 },
      { type: 'checkpoint', path: 'ckpt/3.pt', step: 3 },
      { type: 'heartbeat' },
      { type: 'progress', fraction: 0.5, message: 'epoch 1/2' },
    ]);
  });

  it('accepts output values of any JSON type, including null and false', () => {
    expect(parseProtocolLine('{"type":"output","name":"ok","value":false}', 1).event).toEqual({ type: 'output', name: 'ok', value: false });
    expect(parseProtocolLine('{"type":"output","name":"n","value":null}', 1).event).toEqual({ type: 'output', name: 'n', value: null });
  });

  it('strips unknown extra fields so newer writers still work', () => {
    expect(parseProtocolLine('{"type":"heartbeat","ts":5,"host":"gpu1"}', 1).event).toEqual({ type: 'heartbeat', ts: 5 });
  });

  it('turns garbage into a warning naming file and line, never an exception', () => {
    const w = (line: string, n = 7) => parseProtocolLine(line, n).warning;
    expect(w('{"type":"metrc","name":"x","value":1}')).toBe('events.jsonl line 7: unknown type "metrc" — ignored');
    expect(w('loss=0.3', 2)).toBe('events.jsonl line 2: not JSON: "loss=0.3" — ignored');
    expect(w('{"type":"metric","name":"loss","value":NaN}')).toMatch(/line 7: NaN\/Infinity is not valid JSON/);
    expect(w('{"type":"metric","name":"loss","value":-Infinity}')).toMatch(/NaN\/Infinity/);
    expect(w('{"type":"metric","name":"loss"}')).toBe('events.jsonl line 7: metric: field "value" is missing — ignored');
    expect(w('{"type":"metric","name":"loss","value":"0.3"}')).toBe(
      'events.jsonl line 7: metric: field "value": invalid input: expected number, received string — ignored',
    );
    expect(w('{"type":"metric","name":"loss","value":1,"step":1.5}')).toMatch(/metric: field "step"/);
    expect(w('{"type":"output","name":"acc"}')).toBe('events.jsonl line 7: output: field "value" is missing — ignored');
    expect(w('{"type":"progress","fraction":1.5}')).toMatch(/progress: field "fraction"/);
    expect(w('{"type":"artifact","path":"","name":"m"}')).toMatch(/artifact: field "path"/);
    expect(w('{"name":"x"}')).toBe('events.jsonl line 7: missing "type" — ignored');
    expect(w('{"type":3}')).toBe('events.jsonl line 7: "type" is not a string — ignored');
    expect(w('[1,2]')).toBe('events.jsonl line 7: not a JSON object — ignored');
    expect(w('null')).toBe('events.jsonl line 7: not a JSON object — ignored');
    expect(w('{"type":"__proto__"}')).toBe('events.jsonl line 7: unknown type "__proto__" — ignored');
  });

  it('ignores blank lines silently and tolerates CRLF', () => {
    expect(parseProtocolLine('   ', 1)).toEqual({});
    expect(parseProtocolLine('{"type":"heartbeat"}\r', 1).event).toEqual({ type: 'heartbeat' });
  });
});

describe('ProtocolReader', () => {
  it('keeps a partial last line until its newline arrives and counts lines across chunks', () => {
    const r = new ProtocolReader();
    expect(r.push('{"type":"heartbeat"}\n{"type":"met')).toEqual({ events: [{ type: 'heartbeat' }], warnings: [] });
    expect(r.push('ric","name":"a","value":1}')).toEqual({ events: [], warnings: [] });
    expect(r.push('\n\ngarbage\n')).toEqual({
      events: [{ type: 'metric', name: 'a', value: 1 }],
      warnings: ['events.jsonl line 4: not JSON: "garbage" — ignored'],
    });
  });

  it('flushes an unterminated last line at end()', () => {
    const r = new ProtocolReader('ev.jsonl');
    r.push('{"type":"heartbeat"}\n{"type":"progress","fraction":1}');
    expect(r.end()).toEqual({ events: [{ type: 'progress', fraction: 1 }], warnings: [] });
    expect(r.end()).toEqual({ events: [], warnings: [] });
  });

  it('drops an over-long line with one warning and resumes at the next line', () => {
    const r = new ProtocolReader();
    const big = 'x'.repeat(MAX_PROTOCOL_LINE_LENGTH / 2);
    const warnings = [...r.push(big).warnings, ...r.push(big).warnings, ...r.push(big).warnings];
    expect(warnings).toEqual([`events.jsonl line 1: longer than ${MAX_PROTOCOL_LINE_LENGTH} characters — ignored`]);
    expect(r.push('tail of the long line\n{"type":"heartbeat"}\n')).toEqual({ events: [{ type: 'heartbeat' }], warnings: [] });
  });
});
