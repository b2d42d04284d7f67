/**
 * `$SGR_HOME/targets.yaml`: where jobs can run (D1–D5). A step names a target by key
 * (`target: gpu-box`); `local` always exists and may be re-declared only to set resources.
 * No secret lives here: SSH keys are named by path (or come from ssh-agent) and
 * passphrases by environment variable name, so the file can be shared and nothing
 * secret ever reaches the journal or a manifest.
 *
 * @example
 * targets:
 *   box:   { kind: docker, image: sgr-python:bookworm }
 *   gpu1:  { kind: ssh, host: gpu1.lab, user: me, key: ~/.ssh/id_ed25519, knownHosts: ~/.ssh/known_hosts }
 *   slurm: { kind: slurm, ssh: gpu1, partition: debug, defaults: { cpus: 2, memoryMb: 8000, time: 60 } }
 */
import { z } from 'zod';

export const TARGET_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** What the target offers (declared; `sgr targets check` records what it found). */
export const targetResourcesSchema = z.strictObject({
  cpus: z.number().positive().optional(),
  memoryMb: z.number().int().positive().optional(),
  gpus: z
    .array(z.strictObject({ model: z.string().min(1), memoryMb: z.number().int().positive().optional() }))
    .optional(),
  /** Jobs at once on this target (scheduler quota); default: cpus, else 4. */
  maxJobs: z.number().int().min(1).max(10_000).optional(),
  /** Jobs at once from one run on this target. */
  maxJobsPerRun: z.number().int().min(1).max(10_000).optional(),
});

const common = {
  description: z.string().optional(),
  resources: targetResourcesSchema.optional(),
};

export const localTargetSchema = z.strictObject({ kind: z.literal('local'), ...common });

export const dockerTargetSchema = z.strictObject({
  kind: z.literal('docker'),
  ...common,
  /** `unix:///var/run/docker.sock` (default: $DOCKER_HOST, else that path) or `tcp://host:2375`. */
  socket: z.string().min(1).optional(),
  /** Default image for steps without `image:`. */
  image: z.string().min(1).optional(),
  /** Per-container limits when the step asks for none. */
  memoryMb: z.number().int().positive().optional(),
  cpus: z.number().positive().optional(),
  pids: z.number().int().positive().optional(),
  /** Docker network for steps with the `net` capability (default `bridge`); others get `none`. */
  network: z.string().min(1).optional(),
  /** Extra read-only bind mounts `host:container`. */
  mounts: z.array(z.string().regex(/^\/[^:]*:\/[^:]*$/, 'a mount is "/host/path:/container/path"')).optional(),
});

export const sshTargetSchema = z.strictObject({
  kind: z.literal('ssh'),
  ...common,
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1),
  /** Private key path (`~` expands). Absent: ssh-agent via $SSH_AUTH_SOCK. */
  key: z.string().min(1).optional(),
  /** Name of the environment variable holding the key's passphrase (never the passphrase). */
  passphraseEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  /** known_hosts file the server key is checked against (default ~/.ssh/known_hosts). Never blind trust. */
  knownHosts: z.string().min(1).optional(),
  /** Another ssh target to jump through (ProxyJump). */
  jump: z.string().regex(TARGET_NAME).optional(),
  /** Where job directories live on the remote side (default ~/.sgr-remote). */
  root: z.string().min(1).optional(),
  /** Keepalive: a silent server is declared gone after interval × countMax. */
  keepaliveMs: z.number().int().min(100).default(5000),
  keepaliveCountMax: z.number().int().min(1).default(3),
});

export const slurmTargetSchema = z.strictObject({
  kind: z.literal('slurm'),
  ...common,
  /** The ssh target of the login node; absent = run sbatch on this machine. */
  ssh: z.string().regex(TARGET_NAME).optional(),
  partition: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  qos: z.string().min(1).optional(),
  /** Where job directories live on the cluster's shared file system. */
  root: z.string().min(1).optional(),
  /** Seconds of warning before preemption or the time limit (`--signal=TERM@<s>`). */
  signalSeconds: z.number().int().min(1).default(60),
  defaults: z
    .strictObject({
      cpus: z.number().int().positive().optional(),
      memoryMb: z.number().int().positive().optional(),
      gpus: z.number().int().min(0).optional(),
      /** Time limit in minutes. */
      time: z.number().int().positive().optional(),
    })
    .default({}),
});

export const targetSchema = z.discriminatedUnion('kind', [localTargetSchema, dockerTargetSchema, sshTargetSchema, slurmTargetSchema]);
export type TargetConfig = z.infer<typeof targetSchema>;
export type LocalTarget = z.infer<typeof localTargetSchema>;
export type DockerTarget = z.infer<typeof dockerTargetSchema>;
export type SshTarget = z.infer<typeof sshTargetSchema>;
export type SlurmTarget = z.infer<typeof slurmTargetSchema>;
export type TargetKind = TargetConfig['kind'];

export const targetsFileSchema = z.strictObject({
  targets: z.record(z.string().regex(TARGET_NAME, 'a target name starts with a letter or _ and holds letters, digits, _ or -'), targetSchema).default({}),
});
export type TargetsFile = z.infer<typeof targetsFileSchema>;
