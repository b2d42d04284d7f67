/**
 * The job line protocol: a job appends one JSON object per line to `$SGR_EVENTS_FILE`
 * (see docs/job-protocol.md). Jobs are user code, so every line is untrusted: a bad line
 * becomes a warning naming the file and line, never an exception that could fail a run.
 */
import { z } from 'zod';
import type { ProtocolEvent } from './types';

/** Lines longer than this (in characters) are dropped: a runaway writer must not grow the kernel's memory. */
export const MAX_PROTOCOL_LINE_LENGTH = 1024 * 1024;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const step = z.number().int().nonnegative();
const name = z.string().min(1);
const jsonObject = z.record(z.string(), z.unknown());

// Unknown extra keys are stripped, not refused: newer SDKs may add fields that an older
// kernel should simply ignore.
const schemas = {
  metric: z.object({ type: z.literal('metric'), name, value: finite, step: step.optional(), ts: finite.optional() }),
  params: z.object({ type: z.literal('params'), values: jsonObject }),
  artifact: z.object({ type: z.literal('artifact'), path: z.string().min(1), name, meta: jsonObject.optional() }),
  output: z.object({
    type: z.literal('output'),
    name,
    // z.unknown() accepts a missing key; an output without a value is a mistake worth reporting.
    value: z.unknown().refine((v) => v !== undefined, 'is missing'),
  }),
  checkpoint: z.object({ type: z.literal('checkpoint'), path: z.string().min(1), step: step.optional() }),
  heartbeat: z.object({ type: z.literal('heartbeat'), ts: finite.optional() }),
  progress: z.object({ type: z.literal('progress'), fraction: finite.pipe(z.number().min(0).max(1)), message: z.string().optional() }),
} satisfies { [K in ProtocolEvent['type']]: z.ZodType<Extract<ProtocolEvent, { type: K }>> };

type EventType = keyof typeof schemas;

function isEventType(type: string): type is EventType {
  return Object.hasOwn(schemas, type);
}

/** Result of parsing one line: an event, a warning, or neither (blank line). */
export interface ParsedLine {
  event?: ProtocolEvent;
  warning?: string;
}

/**
 * Parses one protocol line (without its newline). Never throws.
 * @example parseProtocolLine('{"type":"heartbeat"}', 1) // { event: { type: 'heartbeat' } }
 * @example parseProtocolLine('{"type":"metrc"}', 7).warning // 'events.jsonl line 7: unknown type "metrc" — ignored'
 */
export function parseProtocolLine(line: string, lineNo: number, file = 'events.jsonl'): ParsedLine {
  const text = line.trim();
  if (text === '') return {};
  const warn = (why: string): ParsedLine => ({ warning: `${file} line ${lineNo}: ${why} — ignored` });

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Python's json.dumps writes NaN/Infinity by default; say so instead of "not JSON".
    if (/(?<![\w"])-?(NaN|Infinity)(?![\w"])/.test(text)) return warn('NaN/Infinity is not valid JSON (use null or drop the line)');
    return warn(`not JSON: ${preview(text)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return warn('not a JSON object');
  const type = (raw as { type?: unknown }).type;
  if (type === undefined) return warn('missing "type"');
  if (typeof type !== 'string') return warn('"type" is not a string');
  if (!isEventType(type)) return warn(`unknown type ${JSON.stringify(type)}`);

  const parsed = schemas[type].safeParse(raw);
  if (!parsed.success) {
    return warn(`${type}: ${describeIssue(parsed.error.issues[0])}`);
  }
  return { event: parsed.data as ProtocolEvent };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid';
  const field = `field "${issue.path.length > 0 ? issue.path.join('.') : '(line)'}"`;
  const msg = issue.message;
  if (/received undefined$/.test(msg)) return `${field} is missing`;
  if (/^(is|must) /.test(msg)) return `${field} ${msg}`;
  return `${field}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * Incremental reader for a growing events file: feed it chunks as they are read, it keeps
 * the unfinished last line until its newline arrives (or until `end()` at job exit).
 * @example
 * const r = new ProtocolReader();
 * r.push('{"type":"heart'); r.push('beat"}\n') // { events: [{ type: 'heartbeat' }], warnings: [] }
 */
export class ProtocolReader {
  private partial = '';
  private lineNo = 0;
  /** True while skipping the rest of an over-long line. */
  private skipping = false;

  constructor(private readonly file = 'events.jsonl') {}

  /** Parses every complete line in `chunk` (plus what was buffered before it). */
  push(chunk: string): { events: ProtocolEvent[]; warnings: string[] } {
    const out = { events: [] as ProtocolEvent[], warnings: [] as string[] };
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      this.lineNo++;
      if (this.skipping) {
        this.skipping = false;
        this.partial = '';
        continue;
      }
      this.take(this.partial + piece, out);
      this.partial = '';
    }
    if (!this.skipping) {
      this.partial += chunk.slice(start);
      if (this.partial.length > MAX_PROTOCOL_LINE_LENGTH) {
        out.warnings.push(tooLong(this.file, this.lineNo + 1));
        this.partial = '';
        this.skipping = true;
      }
    }
    return out;
  }

  /** Flushes a last line that has no trailing newline (call once the writer has exited). */
  end(): { events: ProtocolEvent[]; warnings: string[] } {
    const out = { events: [] as ProtocolEvent[], warnings: [] as string[] };
    if (!this.skipping && this.partial.trim() !== '') {
      this.lineNo++;
      this.take(this.partial, out);
    }
    this.partial = '';
    this.skipping = false;
    return out;
  }

  private take(line: string, out: { events: ProtocolEvent[]; warnings: string[] }): void {
    if (line.length > MAX_PROTOCOL_LINE_LENGTH) {
      out.warnings.push(tooLong(this.file, this.lineNo));
      return;
    }
    const { event, warning } = parseProtocolLine(line, this.lineNo, this.file);
    if (event) out.events.push(event);
    if (warning) out.warnings.push(warning);
  }
}

function tooLong(file: string, lineNo: number): string {
  return `${file} line ${lineNo}: longer than ${MAX_PROTOCOL_LINE_LENGTH} characters — ignored`;
}
