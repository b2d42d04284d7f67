import { describe, expect, it } from 'vitest';
import { parseGres } from './probe';
import { parseSacct, parseScontrol, phaseOfState } from './states';

describe('slurm states', () => {
  it('maps every Slurm state family to a phase', () => {
    expect(['PENDING', 'REQUEUED', 'CONFIGURING'].map(phaseOfState)).toEqual(['queued', 'queued', 'queued']);
    expect(['RUNNING', 'COMPLETING', 'SUSPENDED'].map(phaseOfState)).toEqual(['running', 'running', 'running']);
    expect(['COMPLETED', 'FAILED', 'CANCELLED by 0', 'TIMEOUT', 'OUT_OF_MEMORY', 'PREEMPTED', 'CANCELLED+'].map(phaseOfState)).toEqual(Array(7).fill('exited'));
    expect(['NODE_FAIL', 'BOOT_FAIL'].map(phaseOfState)).toEqual(['lost', 'lost']);
    expect(phaseOfState('SOMETHING_NEW')).toBe('unknown');
  });

  it('parses scontrol show job -o: state, exit code, signal, restarts', () => {
    const line = 'JobId=12 JobName=sgr-r.s.1 UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=2 BatchFlag=1 ExitCode=3:0 RunTime=00:00:01';
    expect(parseScontrol(line)).toEqual({ slurmId: '12', state: 'FAILED', exitCode: 3, signal: 0, restarts: 2, reason: 'NonZeroExitCode' });
    expect(parseScontrol('JobId=13 JobState=CANCELLED Reason=None ExitCode=0:15')).toEqual({ slurmId: '13', state: 'CANCELLED', exitCode: null, signal: 15, restarts: 0 });
    expect(parseScontrol('slurm_load_jobs error: Invalid job id specified')).toBeUndefined();
  });

  it('parses sacct -P lines and ignores empty output', () => {
    expect(parseSacct('7|CANCELLED by 0|0:15\n')).toEqual({ slurmId: '7', state: 'CANCELLED', exitCode: null, signal: 15, restarts: 0 });
    expect(parseSacct('8|OUT_OF_MEMORY|0:125\n')?.state).toBe('OUT_OF_MEMORY');
    expect(parseSacct('\n')).toBeUndefined();
  });

  it('reads GPUs from sinfo %G', () => {
    expect(parseGres('gpu:2')).toHaveLength(2);
    expect(parseGres('gpu:a100:2(S:0-1),mps:100')).toEqual([{ index: 0, model: 'a100', memoryMb: 0 }, { index: 1, model: 'a100', memoryMb: 0 }]);
    expect(parseGres('(null)')).toEqual([]);
  });
});
