/**
 * Offline container images (issue 6). No registry is reachable, so images are built from
 * local material: a busybox rootfs from the host's static busybox, and Debian rootfs trees
 * from `debootstrap` against the machine's configured apt mirror. Each recipe is plain data;
 * its sha256 is stored as the image label `sgr.recipe`, so an image is rebuilt only when its
 * recipe changes. The rootfs tarball is cached under `$SGR_CACHE/images` (default
 * `~/.cache/sgr/images`) so a fresh dockerd data root imports in seconds instead of
 * re-running debootstrap for a minute.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';

/** The images `ensureImage` can build. `torch` is for training examples; no test needs it. */
export type ImageKind = 'busybox' | 'python' | 'torch';
export const IMAGE_KINDS: readonly ImageKind[] = ['busybox', 'python', 'torch'];

/** A recipe is data only: change any field and the image hash (and so the image) changes. */
export interface ImageRecipe {
  kind: ImageKind;
  /** `busybox`: host /bin/busybox + its applet links; `debootstrap`: a Debian minbase tree. */
  base: 'busybox' | 'debootstrap';
  suite?: string;
  /** Debian packages added to the minbase (debootstrap `--include`). */
  packages: string[];
  /** Paths (relative to the rootfs) removed before packing: caches nobody needs at run time. */
  strip: string[];
  /** Dockerfile-style changes applied at import (`ENV`, `CMD`, `WORKDIR`). */
  changes: string[];
  /** Bumped when the build procedure in this file changes in a way the data does not show. */
  revision: number;
}

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEBIAN_STRIP = ['var/cache/apt', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info'];
// Read-only root: Python must not try to write __pycache__ next to the stdlib.
const PY_CHANGES = [PATH_ENV, 'ENV LANG=C.UTF-8', 'ENV PYTHONDONTWRITEBYTECODE=1', 'CMD ["/usr/bin/python3"]'];

export const RECIPES: Record<ImageKind, ImageRecipe> = {
  busybox: { kind: 'busybox', base: 'busybox', packages: [], strip: [], changes: [PATH_ENV, 'CMD ["/bin/sh"]'], revision: 1 },
  python: {
    kind: 'python', base: 'debootstrap', suite: 'bookworm',
    packages: ['python3', 'python3-numpy'], strip: DEBIAN_STRIP, changes: PY_CHANGES, revision: 1,
  },
  torch: {
    kind: 'torch', base: 'debootstrap', suite: 'bookworm',
    packages: ['python3', 'python3-numpy', 'python3-torch'], strip: DEBIAN_STRIP, changes: PY_CHANGES, revision: 1,
  },
};

/** The sha256 of a recipe's canonical JSON. @example recipeHash(RECIPES.python).length === 64 */
export function recipeHash(recipe: ImageRecipe): string {
  const canonical = JSON.stringify(recipe, Object.keys(recipe).sort());
  return createHash('sha256').update(canonical).digest('hex');
}

/** The image name for a recipe: `sgr-<kind>:<hash prefix>`. @example imageName(RECIPES.busybox) // 'sgr-busybox:1a2b3c4d5e6f' */
export function imageName(recipe: ImageRecipe): string {
  return `sgr-${recipe.kind}:${recipeHash(recipe).slice(0, 12)}`;
}

/**
 * The built-in recipe whose image has exactly this name (the current recipe's hash), if any:
 * such an image can be built on demand. An older hash is not rebuilt under its old name.
 * @example builtinRecipe(imageName(RECIPES.python))?.kind // 'python'
 */
export function builtinRecipe(image: string): ImageRecipe | undefined {
  return Object.values(RECIPES).find((r) => imageName(r) === image);
}

/** Where rootfs tarballs are cached: `$SGR_CACHE/images`, else `~/.cache/sgr/images`. */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SGR_CACHE ? join(env.SGR_CACHE, 'images') : join(homedir(), '.cache', 'sgr', 'images');
}

/**
 * The Debian mirror debootstrap uses: `$SGR_DEBIAN_MIRROR`, else the first `URIs:` line of
 * /etc/apt/sources.list.d/debian.sources, else the first `deb` line of /etc/apt/sources.list.
 * @example debianMirror() // 'http://deb.debian.org/debian'
 */
export function debianMirror(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SGR_DEBIAN_MIRROR) return env.SGR_DEBIAN_MIRROR;
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(deb822)) {
    const m = /^URIs:\s*(\S+)/m.exec(readFileSync(deb822, 'utf8'));
    if (m) return m[1]!;
  }
  const legacy = '/etc/apt/sources.list';
  if (existsSync(legacy)) {
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/m.exec(readFileSync(legacy, 'utf8'));
    if (m) return m[1]!;
  }
  throw new Error(`no Debian mirror: set SGR_DEBIAN_MIRROR or add a "URIs:" line to ${deb822}`);
}

export type ProgressFn = (line: string) => void;

/** Runs a command, streaming its output lines to `onProgress`; rejects naming the command on failure. */
function run(cmd: string, args: string[], onProgress: ProgressFn): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const lines = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-2000);
      for (const l of text.split('\n')) if (l.trim()) onProgress(`${cmd}: ${l.trim()}`);
    };
    child.stdout!.on('data', lines);
    child.stderr!.on('data', lines);
    child.on('error', (e) => reject(new Error(`${cmd} could not start: ${e.message} (is it installed?)`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.slice(0, 4).join(' ')}… exited ${code}:\n${tail}`));
    });
  });
}

async function buildBusyboxRoot(root: string, onProgress: ProgressFn): Promise<void> {
  const busybox = '/bin/busybox';
  if (!existsSync(busybox)) throw new Error(`${busybox} missing: install the Debian package busybox-static`);
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'tmp', 'work']) await mkdir(join(root, d), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await copyFile(busybox, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  onProgress('busybox: installing applet links');
  await run('chroot', [root, '/bin/busybox', '--install', '-s', '/bin'], onProgress);
}

async function buildDebianRoot(recipe: ImageRecipe, root: string, onProgress: ProgressFn): Promise<void> {
  const mirror = debianMirror();
  onProgress(`debootstrap ${recipe.suite} from ${mirror} (+${recipe.packages.join(',')}) — about a minute`);
  const args = ['--variant=minbase', `--include=${recipe.packages.join(',')}`, recipe.suite ?? 'bookworm', root, mirror];
  await run('debootstrap', args, onProgress);
  for (const p of recipe.strip) await rm(join(root, p), { recursive: true, force: true });
  await mkdir(join(root, 'work'), { recursive: true });
}

/** Builds the rootfs tarball for a recipe into `tarPath` (atomically: temp file, then rename). */
async function buildTarball(recipe: ImageRecipe, tarPath: string, onProgress: ProgressFn): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), `sgr-image-${recipe.kind}-`));
  const root = join(work, 'rootfs');
  try {
    await mkdir(root);
    if (recipe.base === 'busybox') await buildBusyboxRoot(root, onProgress);
    else await buildDebianRoot(recipe, root, onProgress);
    onProgress(`packing ${recipe.kind} rootfs → ${tarPath}`);
    const tmp = `${tarPath}.${process.pid}.tmp`;
    await run('tar', ['-C', root, '--numeric-owner', '-cf', tmp, '.'], onProgress);
    await rename(tmp, tarPath);
  } finally {
    await unmountUnder(work, onProgress);
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * debootstrap mounts /proc and /sys inside the tree while it installs; a failed run can
 * leave them mounted, and a recursive delete must never walk into the host's /proc or /sys.
 */
async function unmountUnder(dir: string, onProgress: ProgressFn): Promise<void> {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '');
  const inside = mounts.filter((m) => m.startsWith(`${dir}/`)).sort().reverse();
  for (const m of inside) await run('umount', ['-l', m], onProgress);
}

/** One build per tarball at a time, across processes: an exclusive lock dir, stale when its pid is gone. */
async function withLock<T>(lockDir: string, onProgress: ProgressFn, fn: () => Promise<T>): Promise<T> {
  let told = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = 0;
      try { pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8')); } catch { /* being written */ }
      if (pid > 0 && !alive(pid)) await rm(lockDir, { recursive: true, force: true });
      else {
        if (!told) onProgress(`waiting for another build to finish (lock ${lockDir}, pid ${pid || '?'})`);
        told = true;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  try { return await fn(); } finally { await rm(lockDir, { recursive: true, force: true }); }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** The cached rootfs tarball of a recipe, building it first when missing. */
export async function ensureTarball(recipe: ImageRecipe, onProgress: ProgressFn = () => {}): Promise<string> {
  const dir = imageCacheDir();
  await mkdir(dir, { recursive: true });
  const hash = recipeHash(recipe);
  const tarPath = join(dir, `${hash}.tar`);
  if (existsSync(tarPath)) return tarPath;
  return withLock(join(dir, `${hash}.lock`), onProgress, async () => {
    if (!existsSync(tarPath)) await buildTarball(recipe, tarPath, onProgress);
    return tarPath;
  });
}

/** Whether this dockerd already has an image built from exactly this recipe. */
async function findImage(docker: Dockerode, recipe: ImageRecipe): Promise<boolean> {
  const images = await docker.listImages({ filters: { label: [`sgr.recipe=${recipeHash(recipe)}`] } });
  return images.some((i) => (i.RepoTags ?? []).includes(imageName(recipe)));
}

async function importTarball(docker: Dockerode, recipe: ImageRecipe, tarPath: string, onProgress: ProgressFn): Promise<void> {
  const [repo, tag] = imageName(recipe).split(':') as [string, string];
  const changes = [...recipe.changes, `LABEL sgr.recipe=${recipeHash(recipe)} sgr.kind=${recipe.kind}`];
  onProgress(`importing ${imageName(recipe)}`);
  const stream = await docker.importImage(createReadStream(tarPath), { repo, tag, changes } as object);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = err ?? out.find((o) => o.error)?.error;
      if (failed) reject(new Error(`docker import of ${imageName(recipe)} failed: ${String(failed)}`));
      else resolve();
    });
  });
}

// Concurrent callers on the same client share one build/import instead of racing.
const inFlight = new WeakMap<Dockerode, Map<string, Promise<string>>>();

/**
 * Makes sure the daemon has the image of a recipe (a built-in kind, or a recipe of your
 * own) and returns its name. Rebuilds only when the recipe changed; a cached tarball makes
 * a fresh daemon ready in seconds.
 * @example const image = await ensureImage(docker, 'python', (l) => console.log(l)); // 'sgr-python:…'
 */
export async function ensureImage(docker: Dockerode, which: ImageKind | ImageRecipe, onProgress: ProgressFn = () => {}): Promise<string> {
  const recipe = typeof which === 'string' ? RECIPES[which] : which;
  if (!recipe) throw new Error(`unknown image "${String(which)}": expected one of ${IMAGE_KINDS.join(', ')}`);
  const name = imageName(recipe);
  const mine = inFlight.get(docker) ?? new Map<string, Promise<string>>();
  inFlight.set(docker, mine);
  const pending = mine.get(name);
  if (pending) return pending;
  const job = (async () => {
    if (await findImage(docker, recipe)) return name;
    const tarPath = await ensureTarball(recipe, onProgress);
    await importTarball(docker, recipe, tarPath, onProgress);
    onProgress(`image ${name} ready`);
    return name;
  })();
  mine.set(name, job);
  try { return await job; } finally { mine.delete(name); }
}
