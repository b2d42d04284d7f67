/** The synthetic text-to-SQL set: determinism, executable SQL, difficulty grading. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './prng';
import { toJsonl } from './split';
import { generateSynthetic } from './synthetic';
import { CITIES, DEPT_NAMES, STATUSES, TABLE_NAMES, TABLES, TITLES } from './tables';

/** The three tables with a few seeded rows each. */
function sampleDb(seed = 7): Database.Database {
  const db = new Database(':memory:');
  for (const n of TABLE_NAMES) db.exec(TABLES[n].create);
  const r = mulberry32(seed);
  const dept = db.prepare('INSERT INTO departments VALUES (?, ?, ?)');
  DEPT_NAMES.forEach((name, i) => dept.run(i + 1, name, r.pick(CITIES)));
  const emp = db.prepare('INSERT INTO employees VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 1; i <= 20; i++) emp.run(i, `emp${i}`, r.int(1, DEPT_NAMES.length), r.pick(TITLES), r.int(30, 120) * 1000, `${r.int(2012, 2024)}-0${r.int(1, 9)}-1${r.int(0, 9)}`);
  const ord = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?)');
  for (let i = 1; i <= 50; i++) ord.run(i, r.int(1, 20), r.int(100, 90000) / 100, r.pick(STATUSES), `2024-0${r.int(1, 9)}-2${r.int(0, 8)}`);
  return db;
}

describe('synthetic text-to-SQL set', () => {
  it('is byte-identical for the same seed and differs for another seed', () => {
    const a = toJsonl(generateSynthetic({ seed: 42, size: 300 }));
    expect(toJsonl(generateSynthetic({ seed: 42, size: 300 }))).toBe(a);
    expect(toJsonl(generateSynthetic({ seed: 43, size: 300 }))).not.toBe(a);
  });

  it('produces SQL that prepares and runs against the tables, most of it returning rows', () => {
    const db = sampleDb();
    const examples = generateSynthetic({ seed: 3, size: 2000 });
    let nonEmpty = 0;
    for (const ex of examples) {
      let rows: unknown[];
      try {
        rows = db.prepare(ex.sql).all();
      } catch (e) {
        throw new Error(`${ex.id}: ${ex.sql}: ${(e as Error).message}`);
      }
      if (rows.length > 0) nonEmpty++;
    }
    expect(nonEmpty / examples.length).toBeGreaterThan(0.6);
  });

  it('grades difficulty as 1 + the clause features used, covering 1..5', () => {
    const examples = generateSynthetic({ seed: 5, size: 1000 });
    const hist: Record<number, number> = {};
    for (const ex of examples) {
      const features = [' JOIN ', ' WHERE ', ' GROUP BY ', ' ORDER BY '].filter((k) => ex.sql.includes(k)).length;
      expect(ex.difficulty, ex.sql).toBe(1 + features);
      hist[ex.difficulty] = (hist[ex.difficulty] ?? 0) + 1;
    }
    expect(Object.keys(hist).map(Number).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(examples.some((e) => /GROUP BY .* ORDER BY value/.test(e.sql))).toBe(true);
  });

  it('gives each row the CREATE TABLE text of exactly the tables its SQL uses', () => {
    for (const ex of generateSynthetic({ seed: 9, size: 300 })) {
      const used = TABLE_NAMES.filter((n) => new RegExp(`(FROM|JOIN) ${n} AS`).test(ex.sql));
      expect(ex.schema).toBe(used.map((n) => TABLES[n].create).join('\n'));
      expect(Object.keys(ex)).toEqual(['id', 'question', 'sql', 'difficulty', 'schema']);
      expect(ex.question).toMatch(/^[A-Z].*[.?]$/);
    }
  });

  it('uses only the allowed tables', () => {
    const ex = generateSynthetic({ seed: 1, size: 200, tables: ['employees', 'departments'] });
    expect(ex.some((e) => e.sql.includes('orders'))).toBe(false);
    expect(ex.some((e) => e.sql.includes(' JOIN departments'))).toBe(true);
  });
});
