/** Reads a `.jsonl` or `.csv` file below the experiment directory into rows (plain objects). */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export type Row = Record<string, unknown>;

/** Resolves `path` against `baseDir` and refuses anything (incl. via symlinks) outside it. */
export function resolveInside(baseDir: string, path: string): string {
  let base: string;
  try {
    base = realpathSync(baseDir);
  } catch {
    throw new Error(`source.path: the experiment directory ${baseDir} does not exist`);
  }
  const abs = resolve(base, path);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new Error(`source.path: ${path}: no such file (resolved against ${base})`);
  }
  const rel = relative(base, real);
  if (rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) {
    throw new Error(`source.path: ${path} is outside the experiment directory ${base}; dataset files must live below it`);
  }
  return real;
}

/** @example parseJsonl('{"a":1}\n', 'd.jsonl') → [{ a: 1 }] */
export function parseJsonl(text: string, file: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: invalid JSON: ${(e as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${file}:${i + 1}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    rows.push(value as Row);
  }
  return rows;
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180 records: quoted fields may hold commas, newlines and doubled quotes. */
function csvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    fields.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      if (field !== '' || wasQuoted) throw new Error(`${file}:${line}: a quote inside an unquoted field (quote the whole field and double inner quotes)`);
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      if (wasQuoted) throw new Error(`${file}:${line}: text after a closing quote`);
      field += c;
    }
  }
  if (quoted) throw new Error(`${file}:${start}: unterminated quoted field`);
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

/** @example parseCsv('a,b\n1,"x,y"\n', 'd.csv') → [{ a: '1', b: 'x,y' }] */
export function parseCsv(text: string, file: string): Row[] {
  const [header, ...records] = csvRecords(text.replace(/^\uFEFF/, ''), file);
  if (!header) throw new Error(`${file}: empty CSV file (expected a header row)`);
  const dup = header.fields.find((h, i) => header.fields.indexOf(h) !== i);
  if (dup !== undefined) throw new Error(`${file}:${header.line}: duplicate column "${dup}" in the header`);
  return records.map((r) => {
    if (r.fields.length !== header.fields.length) {
      throw new Error(`${file}:${r.line}: expected ${header.fields.length} fields (as in the header), got ${r.fields.length}`);
    }
    return Object.fromEntries(header.fields.map((h, i) => [h, r.fields[i]]));
  });
}

/** Reads and parses a dataset file; returns its rows and the sha256 of its bytes. */
export function ingestFile(baseDir: string, path: string): { rows: Row[]; sha256: string } {
  const file = resolveInside(baseDir, path);
  const bytes = readFileSync(file);
  const sha256 = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const text = bytes.toString('utf8');
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl') return { rows: parseJsonl(text, path), sha256 };
  if (ext === '.csv') return { rows: parseCsv(text, path), sha256 };
  throw new Error(`source.path: ${path}: unsupported file type "${ext}" (use .jsonl or .csv)`);
}
