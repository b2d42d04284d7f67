/**
 * `sgr` — the SGR Kernel's command line. Every command prints errors that name what is
 * wrong and where, and exits with a documented code (exit-codes.ts, README).
 */
import { Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT } from './exit-codes';
import { toCliError, type GlobalOptions } from './context';
import { casGcCommand, casVerifyCommand } from './commands/cas';
import { diffCommand } from './commands/diff';
import { driftCommand } from './commands/drift';
import { schemaCommand } from './commands/schema';
import { planCommand, runsCommand, showCommand } from './commands/inspect';
import { logsCommand } from './commands/logs';
import { manifestCommand } from './commands/manifest';
import { replayCommand } from './commands/replay';
import { rerunCommand } from './commands/rerun';
import { resumeCommand, runCommand } from './commands/run';
import { serveCommand } from './commands/serve';
import { queueCommand } from './commands/queue';
import { targetsCheckCommand, targetsListCommand } from './commands/targets';
import { imagesBuildCommand } from './commands/images';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${v}"`);
  return n;
}

const program = new Command('sgr')
  .description('SGR Kernel: crash-safe, deterministic DAG runs for ML experiments')
  .option('--home <dir>', 'data directory (default: $SGR_HOME, else $XDG_DATA_HOME/sgr)')
  .showHelpAfterError()
  .exitOverride();

const g = (): GlobalOptions => program.opts<GlobalOptions>();
let code: number = EXIT.OK;
const act = (fn: (...args: never[]) => Promise<number>) => async (...args: unknown[]) => {
  code = await (fn as (...a: unknown[]) => Promise<number>)(...args);
};

program.command('run <experiment>').description('run an experiment.yaml (prints the run id first)')
  .option('-c, --concurrency <n>', 'steps running at once', positiveInt)
  .option('--json', 'print the final state as JSON').option('-q, --quiet', 'no progress lines')
  .option('-l, --logs', "stream every job's output live, prefixed with its step")
  .action(act((file: string, o: object) => runCommand(file, { ...g(), ...o })));
program.command('resume <runId>').description('continue a crashed, interrupted or failed run')
  .option('--json', 'print the final state as JSON').option('-q, --quiet', 'no progress lines')
  .option('-l, --logs', "stream every job's output live, prefixed with its step")
  .action(act((id: string, o: object) => resumeCommand(id, { ...g(), ...o })));
program.command('replay <runId>').description('re-derive a run from its journal without running jobs')
  .option('--json', 'JSON report').action(act((id: string, o: object) => replayCommand(id, { ...g(), ...o })));
program.command('drift <runId>').description('what differs now from when a run ran: code, environment, input data, skill versions (exit 4 if anything)')
  .option('--json', 'JSON report').action(act((id: string, o: object) => driftCommand(id, { ...g(), ...o })));
program.command('rerun <runId>').description("execute a run's frozen plan again without cache reuse; drift first, result diff last (exit 4 if results differ)")
  .option('--target <target>', 'run the steps on the default target on this one').option('--json', 'one JSON report at the end')
  .option('-q, --quiet', 'no progress lines').option('-l, --logs', "stream every job's output live, prefixed with its step")
  .action(act((id: string, o: object) => rerunCommand(id, { ...g(), ...o })));
program.command('runs').description('list runs, newest first').option('--json', 'JSON output')
  .option('--state <state>', 'only runs in this state').option('--name <name>', 'only runs of this experiment name')
  .option('-n, --limit <n>', 'at most n runs', positiveInt)
  .action(act((o: object) => runsCommand({ ...g(), ...o })));
program.command('show <runId>').description('steps, states, durations and cache hits of a run')
  .option('--json', 'JSON output').action(act((id: string, o: object) => showCommand(id, { ...g(), ...o })));
program.command('logs <runId> [step]').description("a run's job logs (all steps, or one)")
  .option('-f, --follow', 'keep printing until the run ends').option('--stderr', 'stderr instead of stdout')
  .action(act((id: string, step: string | undefined, o: object) => logsCommand(id, step, { ...g(), ...o })));
program.command('plan <experiment>').description('validate an experiment and print its DAG without running it')
  .option('--json', 'JSON output').option('--cache', 'show which steps the cache holds (hit), will run, or cannot know yet (unknown)').action(act((file: string, o: object) => planCommand(file, { ...g(), ...o })));
program.command('schema').description('print the JSON Schema of experiment.yaml (for editors)')
  .action(act(async () => schemaCommand()));
program.command('manifest <runId>').description("a run's reproducibility manifest: params, data, code, environment, metrics")
  .option('--out <file>', 'write it to a file instead of stdout')
  .action(act((id: string, o: object) => manifestCommand(id, { ...g(), ...o })));
program.command('diff <runA> <runB>').description('what changed between two runs: params, data, code, environment, metrics, steps')
  .option('--json', 'JSON output').action(act((a: string, b: string, o: object) => diffCommand(a, b, { ...g(), ...o })));
program.command('serve').description('the workbench UI in a browser (token-protected, loopback by default)').option('--host <host>', 'address to listen on', '127.0.0.1').option('--port <port>', 'port (0 = any free one)', '0').option('--open-token <token>', 'use this token instead of a random one').option('--allow-remote', 'allow a non-loopback --host').action(act((o: object) => serveCommand({ ...g(), ...o })));
program.command('queue').description('the scheduler: what runs on which target, what waits and why')
  .option('--json', 'JSON output').option('--dead-letter', 'steps that failed every attempt (poison jobs)')
  .action(act((o: object) => queueCommand({ ...g(), ...o })));
const cas = program.command('cas').description('the content-addressed artifact store');
cas.command('verify').description('re-hash every blob; exit 4 if any is corrupt').option('--json', 'JSON output')
  .option('--quarantine', 'move corrupt blobs to cas/corrupt/').action(act((o: object) => casVerifyCommand({ ...g(), ...o })));
cas.command('gc').description('delete blobs no run references').option('--json', 'JSON output')
  .option('--grace <duration>', 'keep unreferenced blobs younger than this (default 1h)').option('--dry-run', 'report only')
  .action(act((o: object) => casGcCommand({ ...g(), ...o })));
const targets = program.command('targets').description('where jobs can run ($SGR_HOME/targets.yaml)');
targets.command('list').description('targets with their declared resources and last check').option('--json', 'JSON output')
  .action(act((o: object) => targetsListCommand({ ...g(), ...o })));
targets.command('check [name]').description('connect to a target (or all) and report CPUs, RAM, GPUs; exit 1 if one fails').option('--json', 'JSON output')
  .action(act((name: string | undefined, o: object) => targetsCheckCommand(name, { ...g(), ...o })));
const images = program.command('images').description('offline container images for docker targets (built from Debian packages, cached)');
images.command('build [image]').description('build busybox, python, torch or all (busybox + python); rebuilt only when its recipe changes')
  .option('--target <name>', 'the docker target whose engine gets the image (default: $DOCKER_HOST, else /var/run/docker.sock)')
  .option('--json', 'JSON output').action(act((which: string | undefined, o: object) => imagesBuildCommand(which, { ...g(), ...o })));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as { code?: string; exitCode?: number };
  if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
    code = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.OK : EXIT.USAGE;
  } else {
    const cli = err instanceof CliError ? err : toCliError(err);
    process.stderr.write(`sgr: ${cli.message}\n`);
    code = cli.exitCode;
  }
}
process.exitCode = code;
