#!/usr/bin/env node
// Runs Doyensec's electronegativity over the Electron app's sources (main/, preload/,
// renderer/) and fails on any finding that electronegativity.json does not justify.
//
// Why not its CLI: `electronegativity` 1.10's bin breaks against the hoisted commander 14
// (`program.version is not a function`), so we call its runner API, which parses .ts/.tsx
// directly (typescript-estree; no compile step). The three folders are copied into one
// scan root with package.json, so the global checks (CSP, permission handler, navigation
// limits) see the whole app at once and the Electron version comes from package.json.
//
// Usage: node scripts/electronegativity.mjs [--json]
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const SCANNED = ['main', 'preload', 'renderer'];
const SKIP = /(^|[\\/])(node_modules|dist)([\\/]|$)|\.test\.tsx?$|\.spec\.tsx?$/;

const allowFile = join(root, 'electronegativity.json');
const allow = existsSync(allowFile) ? JSON.parse(readFileSync(allowFile, 'utf8')).allow ?? [] : [];
for (const a of allow) {
  if (!a.id || !a.reason || a.reason.trim().length < 20) {
    console.error(`electronegativity.json: every entry needs an id and a real reason: ${JSON.stringify(a)}`);
    process.exit(2);
  }
}

const scan = mkdtempSync(join(tmpdir(), 'sgr-eneg-'));
let result;
try {
  for (const dir of SCANNED) {
    if (existsSync(join(root, dir))) cpSync(join(root, dir), join(scan, dir), { recursive: true, filter: (src) => !SKIP.test(relative(root, src)) });
  }
  // The app's package.json, so the Electron version checks use the version we ship.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(scan, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, devDependencies: { electron: pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron } }));
  const run = require('@doyensec/electronegativity');
  const log = console.log;
  console.log = () => undefined; // its i18n loader logs a network failure offline; not a finding
  try {
    result = await run({ input: scan, output: undefined, isSarif: false, customScan: [], excludeFromScan: [], isRelative: true, isVerbose: false, parserPlugins: [] }, false);
  } finally {
    console.log = log;
  }
} finally {
  rmSync(scan, { recursive: true, force: true });
}

const norm = (f) => String(f).split(sep).join('/');
const matches = (a, issue) => a.id === issue.id && (!a.file || a.file === norm(issue.file));
const used = new Set();
const findings = [];
for (const issue of result.issues) {
  const hit = allow.find((a) => matches(a, issue));
  if (hit) used.add(hit);
  else findings.push(issue);
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ findings, allowed: result.issues.length - findings.length, errors: result.errors }, null, 2));
}
for (const e of result.errors) console.error(`electronegativity: could not parse ${e.file}: ${e.message}`);
for (const i of findings) {
  console.error(`${i.id} ${norm(i.file)}:${i.location?.line ?? 0}:${i.location?.column ?? 0} [${i.severity?.name ?? '?'}/${i.confidence?.name ?? '?'}] ${i.description ?? ''}${i.manualReview ? ' (manual review)' : ''}`);
}
for (const a of allow) if (!used.has(a)) console.error(`electronegativity.json: stale entry (no longer reported): ${a.id}${a.file ? ` ${a.file}` : ''}`);
const hardErrors = result.errors.filter((e) => !e.tolerable);
console.error(`electronegativity: ${result.globalChecks + result.atomicChecks} checks over ${SCANNED.join('/, ')}/ — ${findings.length} unjustified finding(s), ${result.issues.length - findings.length} allowlisted, ${hardErrors.length} parse error(s)`);
process.exit(findings.length > 0 || hardErrors.length > 0 ? 1 : 0);
