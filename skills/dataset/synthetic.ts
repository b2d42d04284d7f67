/**
 * The built-in synthetic text-to-SQL set: question → SQL pairs over three small fixed
 * tables, composed from optional clauses. Difficulty = 1 + the number of clause features
 * used (JOIN, WHERE, GROUP BY + aggregate, ORDER BY [LIMIT]), so 1..5.
 */
import { mulberry32, type Rng } from './prng';
import { JOINS, TABLE_NAMES, TABLES, type Column, type TableName } from './tables';

export interface Example {
  id: string;
  question: string;
  sql: string;
  difficulty: number;
  schema: string;
}

const ORDER_TEXT: Record<Column['kind'], [asc: string, desc: string]> = {
  num: ['from lowest to highest', 'from highest to lowest'],
  date: ['oldest first', 'newest first'],
  text: ['alphabetically', 'in reverse alphabetical order'],
  cat: ['alphabetically', 'in reverse alphabetical order'],
};

function listText(labels: string[]): string {
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** Distinct columns, in a seeded order. */
function pickColumns(rng: Rng, cols: Column[], n: number): Column[] {
  const pool = [...cols];
  const out: Column[] = [];
  while (out.length < n && pool.length > 0) out.push(...pool.splice(rng.int(0, pool.length - 1), 1));
  return out;
}

/** One example; consumes the PRNG in a fixed order so the whole set is a function of the seed. */
export function generateExample(rng: Rng, allowed: readonly TableName[], index: number): Example {
  const base = TABLES[rng.pick(allowed)];
  const joins = JOINS.filter((j) => j.from === base.name && allowed.includes(j.to));
  const join = joins.length > 0 && rng.chance(0.5) ? rng.pick(joins) : null;
  const joined = join ? TABLES[join.to] : null;
  const used = joined ? [base, joined] : [base];
  const allCols = used.flatMap((t) => t.columns);
  const cats = (joined ?? base).columns.filter((c) => c.kind === 'cat');
  const wantWhere = rng.chance(0.5);
  const wantGroup = cats.length > 0 && rng.chance(0.5);
  const wantOrder = rng.chance(0.5);

  let from = `FROM ${base.name} AS ${base.alias}`;
  if (join && joined) from += ` JOIN ${joined.name} AS ${joined.alias} ON ${join.on}`;
  const cond = wantWhere ? rng.pick(used.flatMap((t) => t.conditions))(rng.pick) : null;
  const where = cond ? ` WHERE ${cond.sql}` : '';
  const whereText = cond ? `, where ${cond.text}` : '';
  const desc = rng.chance(0.5);
  const limit = rng.chance(0.5) ? rng.int(1, 5) : null;

  let sql: string;
  let question: string;
  if (wantGroup) {
    const g = rng.pick(cats);
    const aggs = [
      { sql: 'COUNT(*)', label: `number of ${base.noun}` },
      ...allCols.filter((c) => c.kind === 'num').flatMap((c) => [
        { sql: `AVG(${c.ref})`, label: `average ${c.label}` },
        { sql: `MAX(${c.ref})`, label: `highest ${c.label}` },
      ]),
    ];
    const agg = rng.pick(aggs);
    const by = join ? join.phrase(g.label) : g.label;
    sql = `SELECT ${g.ref}, ${agg.sql} AS value ${from}${where} GROUP BY ${g.ref}`;
    question = `Grouping ${base.noun} by ${by}, what is the ${agg.label} in each group${whereText}?`;
    if (wantOrder) {
      sql += ` ORDER BY value ${desc ? 'DESC' : 'ASC'}${limit ? ` LIMIT ${limit}` : ''}`;
      question += ` Sort the groups by that value, ${desc ? 'highest' : 'lowest'} first${limit ? `, and keep only the first ${limit}` : ''}.`;
    }
  } else {
    const cols = pickColumns(rng, base.columns, rng.int(1, 2));
    const extra = joined ? rng.pick(joined.columns) : null;
    const select = [...cols, ...(extra ? [extra] : [])].map((c) => c.ref).join(', ');
    sql = `SELECT ${select} ${from}${where}`;
    question = `List the ${listText(cols.map((c) => c.label))} of ${base.noun}`;
    if (join && extra) question += ` together with ${join.phrase(extra.label)}`;
    question += whereText;
    if (wantOrder) {
      const o = rng.pick(allCols);
      sql += ` ORDER BY ${o.ref} ${desc ? 'DESC' : 'ASC'}${limit ? ` LIMIT ${limit}` : ''}`;
      question += `, ordered by ${o.label} ${ORDER_TEXT[o.kind][desc ? 1 : 0]}${limit ? `, first ${limit} only` : ''}`;
    }
    question += '.';
  }
  const difficulty = 1 + [join, wantWhere, wantGroup, wantOrder].filter(Boolean).length;
  const schema = TABLE_NAMES.filter((n) => used.some((t) => t.name === n)).map((n) => TABLES[n].create).join('\n');
  return { id: `q${String(index).padStart(6, '0')}`, question, sql: `${sql};`, difficulty, schema };
}

/** @example generateSynthetic({ seed: 1, size: 100 }) → 100 examples, identical for the same seed */
export function generateSynthetic(opts: { seed: number; size: number; tables?: readonly TableName[] }): Example[] {
  const rng = mulberry32(opts.seed);
  const allowed = opts.tables && opts.tables.length > 0 ? opts.tables : TABLE_NAMES;
  return Array.from({ length: opts.size }, (_, i) => generateExample(rng, allowed, i));
}
