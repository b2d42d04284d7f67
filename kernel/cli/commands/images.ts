/** `sgr images build [busybox|python|torch|all]`: the offline container images, built or found cached. */
import { KernelError } from '../../api/errors';
import { dockerClient } from '../../dispatch/docker/connect';
import { IMAGE_KINDS, RECIPES, ensureImage, imageName, type ImageKind } from '../../dispatch/docker/images';
import type { DockerTarget } from '../../targets/schema';
import { CliError, EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';

/** `all` is what the tests and examples need; torch is large and only built when named. */
const ALL: ImageKind[] = ['busybox', 'python'];

function kindsOf(which: string | undefined): ImageKind[] {
  if (which === undefined || which === 'all') return ALL;
  if ((IMAGE_KINDS as readonly string[]).includes(which)) return [which as ImageKind];
  throw new CliError(`sgr images build: unknown image "${which}" — expected ${[...IMAGE_KINDS, 'all'].join(', ')}`, EXIT.USAGE);
}

/** The docker target named by --target, or the engine at $DOCKER_HOST / /var/run/docker.sock. */
async function engineTarget(opts: GlobalOptions & { target?: string }): Promise<DockerTarget> {
  if (opts.target === undefined) return { kind: 'docker' };
  const name = opts.target;
  return withKernel(opts, async (kernel) => {
    const config = kernel.targetConfig(name);
    if (!config) throw new KernelError('NOT_FOUND', `no target named "${name}" (known: ${kernel.targets().join(', ')})`);
    if (config.kind !== 'docker') throw new CliError(`--target ${name}: images are for docker targets, and "${name}" is ${config.kind}`, EXIT.USAGE);
    return config;
  });
}

export async function imagesBuildCommand(which: string | undefined, opts: GlobalOptions & { target?: string; json?: boolean }): Promise<number> {
  const kinds = kindsOf(which);
  const target = await engineTarget(opts);
  const docker = dockerClient(target);
  const built: Array<{ kind: ImageKind; image: string; seconds: number }> = [];
  for (const kind of kinds) {
    const t0 = Date.now();
    // Progress on stderr so `--json` stays parseable; debootstrap alone is about a minute.
    process.stderr.write(`${kind}: ${imageName(RECIPES[kind])}\n`);
    const image = await ensureImage(docker, kind, (line) => process.stderr.write(`  ${line}\n`));
    const seconds = (Date.now() - t0) / 1000;
    built.push({ kind, image, seconds });
    if (!opts.json) process.stdout.write(`${image} ready (${seconds.toFixed(1)} s)\n`);
  }
  if (opts.json) printJson(built);
  return EXIT.OK;
}
