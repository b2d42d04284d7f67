/** The text of the single-node cluster's slurm.conf, slurmdbd.conf and gres.conf (test harness). */

export interface ClusterLayout {
  dir: string;
  cluster: string;
  host: string;
  cpus: number;
  memoryMb: number;
  /** Fake GPUs (gres without device files) so `--gres=gpu:N` and the probe have something to see. */
  gpus: number;
  ports: { ctld: number; slurmd: number; dbd: number; mysql: number };
  mungeSocket: string;
  partition: string;
}

export function slurmConf(l: ClusterLayout): string {
  const d = l.dir;
  return `# written by test/services/slurm.ts
ClusterName=${l.cluster}
SlurmctldHost=${l.host}(127.0.0.1)
SlurmctldPort=${l.ports.ctld}
SlurmdPort=${l.ports.slurmd}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${l.mungeSocket}
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=${d}/state
SlurmdSpoolDir=${d}/spool
SlurmctldPidFile=${d}/slurmctld.pid
SlurmdPidFile=${d}/slurmd.pid
SlurmctldLogFile=${d}/log/slurmctld.log
SlurmdLogFile=${d}/log/slurmd.log
# Seconds between a cancel's SIGTERM and its SIGKILL (default 30): short, so tests are quick.
KillWait=5
# Finished jobs stay visible to squeue/scontrol this long; after that only sacct knows them.
MinJobAge=300
JobRequeue=1
# Memory is accounted per step so OverMemoryKill can end a job that exceeds --mem.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=${l.ports.dbd}
AccountingStoragePass=${l.mungeSocket}
AccountingStorageTRES=gres/gpu
JobCompType=jobcomp/none
GresTypes=gpu
SlurmdParameters=config_overrides
NodeName=${l.host} NodeAddr=127.0.0.1 CPUs=${l.cpus} RealMemory=${l.memoryMb} Gres=gpu:${l.gpus} State=UNKNOWN
PartitionName=${l.partition} Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;
}

/** Fake GPU "devices" are symlinks to /dev/null: slurmd wants character devices and counts files. */
export function gresConf(l: ClusterLayout): string {
  return `Name=gpu File=${l.dir}/dev/fakegpu[0-${l.gpus - 1}]\n`;
}

export function slurmdbdConf(l: ClusterLayout, dbPass: string): string {
  const d = l.dir;
  return `# written by test/services/slurm.ts
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=${l.ports.dbd}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=${l.mungeSocket}
PidFile=${d}/slurmdbd.pid
LogFile=${d}/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=${l.ports.mysql}
StorageUser=slurm
StoragePass=${dbPass}
StorageLoc=slurm_acct_db
`;
}
