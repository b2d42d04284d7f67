/**
 * Live progress of a run on stderr: one line per finished step, and on a terminal a status
 * line redrawn in place (done / running / failed / cached, elapsed, running step names).
 */
import type { KernelBus } from '../lifecycle/bus';
import { formatDuration, oneLine } from './format';

export interface ProgressOptions {
  total: number;
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
  /** Also print every job's stdout/stderr live, each line prefixed with its step. */
  logs?: boolean;
}

/** @example const stop = showProgress(kernel.bus, { total: plan.steps.length }) */
export function showProgress(bus: KernelBus, opts: ProgressOptions): () => void {
  const out = opts.stream ?? process.stderr;
  const tty = out.isTTY === true;
  const started = Date.now();
  const running = new Set<string>();
  let done = 0;
  let failed = 0;
  let cached = 0;
  let statusShown = false;
  const partial = new Map<string, string>();

  const status = (): string =>
    `[${formatDuration(Date.now() - started)}] ${done}/${opts.total} done · ${running.size} running · ${failed} failed · ${cached} cached` +
    (running.size ? ` — ${oneLine([...running].join(', '), 60)}` : '');
  const clear = (): void => {
    if (tty && statusShown) out.write('\r\x1b[2K');
    statusShown = false;
  };
  const redraw = (): void => {
    if (!tty || opts.quiet) return;
    clear();
    out.write(status());
    statusShown = true;
  };
  const print = (line: string): void => {
    if (opts.quiet) return;
    clear();
    out.write(`${line}\n`);
    redraw();
  };

  const offs = [
    bus.on('step.stateChanged', (e) => {
      if (e.state === 'RUNNING') running.add(e.stepId);
      else running.delete(e.stepId);
      if (e.state === 'COMPLETED') {
        done++;
        if (e.cacheHit) cached++;
        print(`  ✓ ${e.stepId}${e.cacheHit ? ' (cached)' : ''} ${formatDuration(e.durationMs)}`);
      } else if (e.state === 'FAILED') {
        failed++;
        print(`  ✗ ${e.stepId} [${e.failureClass ?? 'failed'}] ${oneLine(e.error, 300)}`);
      } else if (e.state === 'UPSTREAM_FAILED') {
        print(`  - ${e.stepId} skipped: an upstream step failed`);
      } else if (e.state === 'RUNNING') {
        redraw();
      }
    }),
    bus.on('step.phaseEntered', (e) => {
      if (e.phase === 'execute') {
        running.add(e.stepId);
        redraw();
      }
    }),
    bus.on('step.warned', (e) => print(`  ! ${e.stepId}: ${oneLine(e.message, 200)}`)),
    bus.on('step.logAppended', (e) => {
      if (!opts.logs) return;
      // Chunks may end mid-line: keep the tail until its newline arrives.
      const key = `${e.stepId}\u0000${e.stream}`;
      const text = (partial.get(key) ?? '') + e.text;
      const lines = text.split('\n');
      partial.set(key, lines.pop() ?? '');
      for (const line of lines) print(`  ${e.stepId}${e.stream === 'stderr' ? '!' : '|'} ${line}`);
    }),
  ];
  const timer = tty && !opts.quiet ? setInterval(redraw, 250) : null;
  timer?.unref();
  return () => {
    if (timer) clearInterval(timer);
    for (const off of offs) off();
    clear();
    if (!opts.quiet) out.write(`${status().replace(/ — .*$/, '')}\n`);
  };
}
