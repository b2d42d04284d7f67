/** The fixed schema of the built-in synthetic text-to-SQL set, and what a query may use of it. */

export const TABLE_NAMES = ['employees', 'departments', 'orders'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export type ColumnKind = 'num' | 'text' | 'cat' | 'date';

export interface Column {
  /** Qualified by the table's alias, e.g. `e.salary`. */
  ref: string;
  label: string;
  kind: ColumnKind;
}

export interface Condition {
  sql: string;
  text: string;
}

export interface Table {
  name: TableName;
  alias: string;
  noun: string;
  create: string;
  columns: Column[];
  /** Random WHERE conditions on this table; values come from the generator's PRNG. */
  conditions: ((pick: <T>(xs: readonly T[]) => T) => Condition)[];
}

export const CITIES = ['Berlin', 'Lisbon', 'Oslo', 'Tokyo', 'Austin'] as const;
export const DEPT_NAMES = ['Research', 'Sales', 'Support', 'Finance', 'Legal'] as const;
export const TITLES = ['Engineer', 'Manager', 'Analyst', 'Scientist'] as const;
export const STATUSES = ['pending', 'shipped', 'cancelled'] as const;

export const TABLES: Record<TableName, Table> = {
  employees: {
    name: 'employees',
    alias: 'e',
    noun: 'employees',
    create: 'CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept_id INTEGER NOT NULL REFERENCES departments(id), title TEXT NOT NULL, salary INTEGER NOT NULL, hired TEXT NOT NULL);',
    columns: [
      { ref: 'e.name', label: 'name', kind: 'text' },
      { ref: 'e.title', label: 'job title', kind: 'cat' },
      { ref: 'e.salary', label: 'salary', kind: 'num' },
      { ref: 'e.hired', label: 'hire date', kind: 'date' },
    ],
    conditions: [
      (pick) => {
        const v = pick([40000, 55000, 70000, 90000]);
        return { sql: `e.salary > ${v}`, text: `the salary is above ${v}` };
      },
      (pick) => {
        const y = pick([2015, 2018, 2020, 2022]);
        return { sql: `e.hired >= '${y}-01-01'`, text: `the hire date is in ${y} or later` };
      },
      (pick) => {
        const t = pick(TITLES);
        return { sql: `e.title = '${t}'`, text: `the job title is ${t}` };
      },
    ],
  },
  departments: {
    name: 'departments',
    alias: 'd',
    noun: 'departments',
    create: 'CREATE TABLE departments (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL);',
    columns: [
      { ref: 'd.name', label: 'department name', kind: 'cat' },
      { ref: 'd.city', label: 'city', kind: 'cat' },
    ],
    conditions: [
      (pick) => {
        const c = pick(CITIES);
        return { sql: `d.city = '${c}'`, text: `the city is ${c}` };
      },
    ],
  },
  orders: {
    name: 'orders',
    alias: 'o',
    noun: 'orders',
    create: 'CREATE TABLE orders (id INTEGER PRIMARY KEY, employee_id INTEGER NOT NULL REFERENCES employees(id), amount REAL NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL);',
    columns: [
      { ref: 'o.amount', label: 'amount', kind: 'num' },
      { ref: 'o.status', label: 'status', kind: 'cat' },
      { ref: 'o.created', label: 'order date', kind: 'date' },
    ],
    conditions: [
      (pick) => {
        const s = pick(STATUSES);
        return { sql: `o.status = '${s}'`, text: `the status is ${s}` };
      },
      (pick) => {
        const v = pick([50, 100, 250, 500]);
        return { sql: `o.amount >= ${v}`, text: `the amount is at least ${v}` };
      },
    ],
  },
};

export interface JoinEdge {
  from: TableName;
  to: TableName;
  on: string;
  /** How the question names a column of the joined table, e.g. "their department's city". */
  phrase: (label: string) => string;
}

export const JOINS: JoinEdge[] = [
  { from: 'employees', to: 'departments', on: 'e.dept_id = d.id', phrase: (l) => (l.startsWith('department') ? `their ${l}` : `their department's ${l}`) },
  { from: 'departments', to: 'employees', on: 'e.dept_id = d.id', phrase: (l) => `their employees' ${l}` },
  { from: 'orders', to: 'employees', on: 'o.employee_id = e.id', phrase: (l) => `the ${l} of the employee who placed them` },
];
