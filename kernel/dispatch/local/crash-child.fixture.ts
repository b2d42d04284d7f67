/**
 * Entry point of the crash test: a kernel stand-in that submits one job, reports it and
 * then waits, so the test can SIGKILL it at a known point. Bundled with esbuild.
 * Usage: node crash-child.mjs <root> <spec-json>
 */
import type { JobSpec } from '../types';
import { LocalDispatcher } from './local-dispatcher';

const [root, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson!) as JobSpec;
const dispatcher = new LocalDispatcher({ root: root! });
const status = await dispatcher.submit(spec);
process.stdout.write(`submitted ${status.phase} ${status.pid}\n`);
await dispatcher.wait(spec.jobId);
process.stdout.write('finished\n');
await dispatcher.close();
