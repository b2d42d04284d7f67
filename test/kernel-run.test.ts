/** End-to-end kernel behaviour on real local processes, a real SQLite journal and the real CAS. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { decodeJson } from '../kernel/store/json-column';
import { listEvents } from '../kernel/store/events-repo';
import { listMetrics } from '../kernel/store/metrics-repo';
import { openKernel, plan, runPlan, tempDir } from './helpers';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const states = (k: Kernel, runId: string) => Object.fromEntries(k.steps(runId).map((s) => [s.step_id, s.state]));
const outputs = (k: Kernel, runId: string, step: string) =>
  decodeJson<Record<string, unknown>>(k.steps(runId).find((s) => s.step_id === step)?.outputs_json ?? null, k.journal.blobs);

describe('kernel runs', () => {
  it('runs a fan-out/fan-in DAG, passing artifacts and values downstream', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        { id: 'gen', skill: 'shell', params: { command: 'seq 1 10 > n.txt', outputs: { n: 'n.txt' } } },
        { id: 'sum', skill: 'shell', params: { command: 'awk "{s+=\\$1} END {print s}" ${steps.gen.outputs.n} > s.txt', outputs: { s: 's.txt' } } },
        { id: 'count', skill: 'shell', params: { command: 'wc -l < "$SGR_INPUT_N" | tr -d " " > c.txt', outputs: { c: 'c.txt' } }, inputs: { n: '${steps.gen.outputs.n}' } },
        { id: 'both', skill: 'concat', params: { parts: ['${steps.sum.outputs.s}', '${steps.count.outputs.c}'], separator: '|' } },
      ],
    }));
    expect(state).toBe('COMPLETED');
    const ref = outputs(kernel, runId, 'both')?.file as { $artifact: string };
    expect((await kernel.cas.read(ref.$artifact)).toString()).toBe('55\n|10\n');
  });

  it('journals every lifecycle phase of a job step in order, with an intent before the job', async () => {
    kernel = openKernel();
    const { runId } = await runPlan(kernel, plan({ steps: [{ id: 'a', skill: 'shell', params: { command: 'true' } }] }));
    const kinds = listEvents(kernel.db, runId).filter((e) => e.step_id === 'a').map((e) => e.kind);
    expect(kinds).toEqual([
      'execute.intent', 'phase.resolve', 'phase.validate', 'phase.authorize', 'phase.execute', 'phase.verify',
      'phase.commit', 'step.completed', 'phase.checkpoint',
    ]);
    const effects = kernel.db.prepare('SELECT kind, state FROM effects WHERE run_id = ?').all(runId);
    expect(effects).toEqual([{ kind: 'job.start', state: 'done' }]);
  });

  it('fails the descendants of a failed step and lets independent branches finish', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        { id: 'bad', skill: 'shell', params: { command: 'echo broken >&2; exit 3' } },
        { id: 'child', skill: 'noop', deps: ['bad'] },
        { id: 'grandchild', skill: 'noop', deps: ['child'] },
        { id: 'other', skill: 'shell', params: { command: 'sleep 0.2' } },
        { id: 'after_other', skill: 'noop', deps: ['other'] },
      ],
    }));
    expect(state).toBe('FAILED');
    expect(states(kernel, runId)).toEqual({ bad: 'FAILED', child: 'UPSTREAM_FAILED', grandchild: 'UPSTREAM_FAILED', other: 'COMPLETED', after_other: 'COMPLETED' });
    const bad = kernel.steps(runId).find((s) => s.step_id === 'bad');
    expect(bad?.failure_class).toBe('user_error');
    expect(bad?.error).toMatch(/exited with code 3; stderr:\nbroken/);
    expect(kernel.requireRun(runId).error).toBe('step bad failed');
  });

  it('retries a timed-out attempt with backoff, then succeeds', async () => {
    kernel = openKernel();
    const mark = join(tempDir(), 'mark');
    const { runId, state } = await runPlan(kernel, plan({
      steps: [{
        id: 'flaky', skill: 'shell', timeoutMs: 700, retry: { max: 2, backoffMs: 50 },
        params: { command: `if [ -e ${mark} ]; then echo ok; else touch ${mark}; sleep 30; fi` },
      }],
    }));
    expect(state).toBe('COMPLETED');
    const row = kernel.steps(runId)[0];
    expect(row?.attempt).toBe(2);
    const failed = listEvents(kernel.db, runId).filter((e) => e.kind === 'phase.failed').map((e) => JSON.parse(e.data_json ?? '{}').failureClass);
    expect(failed).toEqual(['timeout']);
  });

  it('refuses a step whose skill needs a capability the step does not grant', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({ steps: [{ id: 'a', skill: 'shell', capabilities: [], params: { command: 'true' } }] }));
    expect(state).toBe('FAILED');
    const row = kernel.steps(runId)[0];
    expect(row?.failure_class).toBe('policy');
    expect(row?.error).toMatch(/needs capability "subprocess" which the step does not grant/);
  });

  it('refuses secrets and host-destroying commands in params (guardian)', async () => {
    kernel = openKernel();
    const { runId } = await runPlan(kernel, plan({
      steps: [
        { id: 'leak', skill: 'shell', params: { command: 'curl -H "Authorization: sk-abcdefghijklmnopqrstuvwxyz123456" x' } },
        { id: 'wipe', skill: 'shell', params: { command: 'rm -rf /' } },
      ],
    }));
    const rows = Object.fromEntries(kernel.steps(runId).map((s) => [s.step_id, s]));
    expect(rows.leak?.error).toMatch(/params\.command contains what looks like an OpenAI-style API key/);
    expect(rows.wipe?.error).toMatch(/deletes the root file system/);
  });

  it('never runs more steps at once than the concurrency limit, and reaches it', async () => {
    kernel = openKernel();
    const ledger = join(tempDir(), 'ledger');
    writeFileSync(ledger, '');
    const cmd = `echo "+ $(date +%s%N)" >> ${ledger}; sleep 0.3; echo "- $(date +%s%N)" >> ${ledger}`;
    const { state } = await runPlan(kernel, plan({
      concurrency: 3,
      steps: Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, skill: 'shell', params: { command: cmd } })),
    }));
    expect(state).toBe('COMPLETED');
    const marks = readFileSync(ledger, 'utf8').trim().split('\n').map((l) => ({ d: l[0] === '+' ? 1 : -1, t: BigInt(l.slice(2)) }));
    marks.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.d));
    let cur = 0;
    let max = 0;
    for (const m of marks) max = Math.max(max, (cur += m.d));
    expect(max).toBe(3);
  });

  it('keeps large outputs out of the journal: they spill to the CAS and read back', async () => {
    kernel = openKernel();
    const big = 'x'.repeat(200_000);
    const { runId } = await runPlan(kernel, plan({ steps: [{ id: 'c', skill: 'const', params: { values: { big } } }] }));
    const raw = kernel.steps(runId)[0]?.outputs_json ?? '';
    expect(raw).toMatch(/^\{"\$cas":"sha256:[0-9a-f]{64}"\}$/);
    expect(outputs(kernel, runId, 'c')?.big).toBe(big);
  });

  it('records metrics and outputs reported through the line protocol', async () => {
    kernel = openKernel();
    const { runId } = await runPlan(kernel, plan({
      steps: [{
        id: 'm', skill: 'shell',
        params: { command: 'for i in 1 2 3; do printf \'{"type":"metric","name":"loss","value":%s,"step":%s}\\n\' "0.$i" "$i" >> "$SGR_EVENTS_FILE"; done; echo \'{"type":"output","name":"acc","value":0.9}\' >> "$SGR_EVENTS_FILE"; echo garbage >> "$SGR_EVENTS_FILE"' },
      }],
    }));
    expect(listMetrics(kernel.db, runId).map((p) => [p.name, p.step, p.value])).toEqual([['loss', 1, 0.1], ['loss', 2, 0.2], ['loss', 3, 0.3]]);
    expect(outputs(kernel, runId, 'm')?.acc).toBe(0.9);
  });
});

describe('guardian redaction', () => {
  it('keeps secrets a job prints on stderr out of the journal', async () => {
    kernel = openKernel();
    const { runId } = await runPlan(kernel, plan({
      steps: [{ id: 'leaky', skill: 'shell', params: { command: 'echo "token ghp_$(printf 0123456789abcdef0123456789abcdef0123) rejected" >&2; exit 1' } }],
    }));
    const error = kernel.steps(runId)[0]?.error ?? '';
    expect(error).toMatch(/token \[REDACTED\] rejected/);
    expect(error).not.toMatch(/ghp_/);
  });
});

describe('artifact names', () => {
  it('never let an artifact name place an input outside the work directory', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        { id: 'make', skill: 'concat', params: { parts: ['payload'], name: '../../../escape.txt' } },
        { id: 'use', skill: 'shell', params: { command: 'cat "$SGR_INPUT_F"; echo; echo "$SGR_INPUT_F"' }, inputs: { f: '${steps.make.outputs.file}' } },
      ],
    }));
    expect(state).toBe('COMPLETED');
    const jobId = kernel.steps(runId).find((s) => s.step_id === 'use')?.job_id as string;
    const log = await kernel.dispatchers.get('local')?.readLog(jobId, 'stdout', 0, 1000);
    expect(log?.data).toBe('payload\ninputs/make/file/escape.txt\n');
  });
});

describe('skill exceptions', () => {
  it('fail the step as a user error, never the whole run', async () => {
    kernel = openKernel();
    const missing = { $artifact: `sha256:${'0'.repeat(64)}`, size: 1, name: 'gone.txt' };
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        { id: 'broken', skill: 'concat', params: { parts: [missing] } },
        { id: 'fine', skill: 'const', params: { values: { ok: true } } },
      ],
    }));
    expect(state).toBe('FAILED');
    const rows = Object.fromEntries(kernel.steps(runId).map((s) => [s.step_id, s]));
    expect(rows.broken?.failure_class).toBe('user_error');
    expect(rows.broken?.error).toMatch(/^step "broken" \(skill concat\): .*sha256:0{64}/);
    expect(rows.fine?.state).toBe('COMPLETED');
  });
});
