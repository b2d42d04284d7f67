/**
 * The Slurm test cluster reached the way a user reaches one: through a real sshd (login
 * node) whose sessions get SLURM_CONF from the server (`SetEnv`), as a site's login node
 * would provide it from /etc/slurm.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../sshd';
import { startSlurm, type SlurmCluster } from '../slurm';
import { slurmTargetSchema, type SlurmTarget, type TargetConfig } from '../../../kernel/targets/schema';
import type { DispatcherContext } from '../../../kernel/targets/context';

export interface SlurmOverSsh {
  slurm: SlurmCluster;
  sshd: Sshd;
  /** A temp dir both sides see (the "shared file system"): remote job roots go below it. */
  shared: string;
  /** The slurm target through the ssh target named `login` (`extra` overrides). */
  target(extra?: Partial<SlurmTarget>): SlurmTarget;
  /** A DispatcherContext whose lookup knows `login`. */
  context(home: string, targetName?: string): DispatcherContext;
  stop(): Promise<void>;
}

export async function slurmOverSsh(): Promise<SlurmOverSsh> {
  const slurm = await startSlurm();
  const sshd = await startSshd({ extraConfig: [`SetEnv SLURM_CONF=${slurm.conf}`] });
  const shared = realpathSync(mkdtempSync(join(tmpdir(), 'sgr-slurm-shared-')));
  let n = 0;
  return {
    slurm,
    sshd,
    shared,
    target: (extra = {}) =>
      slurmTargetSchema.parse({ kind: 'slurm', ssh: 'login', partition: slurm.partition, account: slurm.account, root: join(shared, `root${++n}`), signalSeconds: 60, ...extra }),
    context: (home, targetName = 'cluster') => ({
      home,
      jobsRoot: join(home, 'jobs', targetName),
      lookup: (name: string): TargetConfig => {
        if (name === 'login') return sshd.target();
        throw new Error(`no target "${name}" in this test`);
      },
    }),
    stop: async () => {
      await sshd.stop();
      rmSync(shared, { recursive: true, force: true });
    },
  };
}
