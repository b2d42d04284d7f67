/**
 * The rank-ablation example (examples/lora-rank-ablation.yaml: a pretrain, 6 LoRA fine-tunes
 * and 6 evals, 2 at a time) through `sgr run`, then again from cache, against its peer: the
 * same trainer commands on the same data and configs run by a plain 2-worker pool with no
 * journal, cache or CAS. The ratio is what orchestration and durability cost on a real ML
 * workload; the cached re-run is what a researcher waits for when nothing changed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTorchPython } from '../skills/ml/python-runtime';
import { seconds, type BenchResult } from './types';

type Step = { id: string; state: string; cacheHit: boolean; outputs: Record<string, unknown> | null };

function sgrRun(cli: string, file: string, env: NodeJS.ProcessEnv): { seconds: number; runId: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'run', '-q', file], { env, encoding: 'utf8' });
  const s = seconds(t);
  if (r.status !== 0) throw new Error(`sgr run ${file} failed (${r.status}): ${r.stderr}`);
  return { seconds: s, runId: r.stdout.split('\n')[0]! };
}

function run(python: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-u', '-m', 'sgr_lora', ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sgr_lora ${args[0]} exited ${code}: ${err}`))));
  });
}

export async function benchAblation(opts: { workDir: string; sgrCli: string; root: string; log?: (l: string) => void }): Promise<BenchResult> {
  const log = opts.log ?? (() => undefined);
  const python = findTorchPython();
  if (python === null) throw new Error('the ablation benchmark needs a Python with PyTorch (apt-get install python3-torch, or set SGR_PYTHON)');
  const dir = mkdtempSync(join(opts.workDir, 'ablation-'));
  const home = join(dir, 'home');
  const env = { ...process.env, SGR_HOME: home };
  const file = join(opts.root, 'examples', 'lora-rank-ablation.yaml');

  log('  sgr run examples/lora-rank-ablation.yaml (fresh home) …');
  const first = sgrRun(opts.sgrCli, file, env);
  log(`  sgr: ${first.seconds.toFixed(1)} s; re-run from cache …`);
  const cached = sgrRun(opts.sgrCli, file, env);
  const shown = JSON.parse(spawnSync(process.execPath, [opts.sgrCli, 'show', '--json', cached.runId], { env, encoding: 'utf8' }).stdout) as { steps: Step[] };
  const hits = shown.steps.filter((s) => s.cacheHit).length;
  log(`  cached: ${cached.seconds.toFixed(2)} s, ${hits}/${shown.steps.length} hits`);

  // The peer runs the very same commands on the very same inputs, taken from the sgr run.
  const firstShown = JSON.parse(spawnSync(process.execPath, [opts.sgrCli, 'show', '--json', first.runId], { env, encoding: 'utf8' }).stdout) as { steps: Step[] };
  const out = (id: string) => firstShown.steps.find((s) => s.id === id)!.outputs!;
  const blob = (ref: unknown) => {
    const hex = (ref as { $artifact: string }).$artifact.slice('sha256:'.length);
    return join(home, 'cas', 'sha256', hex.slice(0, 2), hex.slice(2));
  };
  const data = out('data');
  const peer = join(dir, 'peer');
  mkdirSync(peer, { recursive: true });
  const config = (name: string, id: string) => {
    const path = join(peer, `${name}.json`);
    writeFileSync(path, JSON.stringify(out(id).config));
    return path;
  };
  const trials = firstShown.steps.filter((s) => /^rank-c\d+-s\d+-config$/.test(s.id)).map((s) => s.id.replace(/-config$/, ''));
  const pyEnv = { ...process.env, PYTHONPATH: join(opts.root, 'sdk', 'python'), PYTHONUNBUFFERED: '1' };
  const dataArgs = ['--train', blob(data.train), '--val', blob(data.val)];
  log(`  peer: the same pretrain + ${trials.length} × (finetune, eval), 2 at a time, no orchestrator …`);
  const t = process.hrtime.bigint();
  await run(python, ['pretrain', '--config', config('base', 'base_config'), ...dataArgs, '--out', join(peer, 'model.safetensors')], peer, pyEnv);
  const queue = [...trials];
  const worker = async () => {
    for (let trial = queue.shift(); trial !== undefined; trial = queue.shift()) {
      const cfg = config(trial, `${trial}-config`);
      const adapter = join(peer, `${trial}.safetensors`);
      await run(python, ['finetune', '--config', cfg, '--base', join(peer, 'model.safetensors'), ...dataArgs, '--out', adapter], peer, pyEnv);
      await run(python, ['eval', '--config', cfg, '--base', join(peer, 'model.safetensors'), '--adapter', adapter, '--data', blob(data.val)], peer, pyEnv);
    }
  };
  await Promise.all([worker(), worker()]);
  const peerSeconds = seconds(t);
  log(`  peer: ${peerSeconds.toFixed(1)} s`);
  rmSync(dir, { recursive: true, force: true });

  return {
    name: 'Rank ablation (examples/lora-rank-ablation.yaml)',
    command: 'npm run bench -- ablation',
    rows: [
      { label: 'sgr run, fresh home (23 steps: data, configs, pretrain, 6 × LoRA + eval, select, report)', seconds: first.seconds, note: 'concurrency 2, 1 torch thread per job' },
      { label: 'sgr run again', seconds: cached.seconds, note: `${hits}/${shown.steps.length} steps cache hits` },
      { label: 'peer: the same trainer commands, 2-worker pool, no orchestrator', seconds: peerSeconds, note: 'same data and configs; no journal, CAS, cache, select or report' },
    ],
    ratios: [
      { label: 'sgr / peer (orchestration + durability on an ML workload)', value: first.seconds / peerSeconds, target: '≈ 1', pass: first.seconds / peerSeconds <= 1.1 },
      { label: 'fresh / cached re-run', value: first.seconds / cached.seconds, target: 'a re-run takes seconds', pass: cached.seconds < 10 },
    ],
    notes: [`Wall time target for the fresh run: under 10 minutes on this 2-core machine — ${first.seconds < 600 ? 'met' : 'not met'} (${(first.seconds / 60).toFixed(1)} min).`],
  };
}
