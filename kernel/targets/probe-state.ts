/**
 * The last probe of every target (`sgr targets check`, the Targets page's "Test connection"),
 * kept in `$SGR_HOME/targets.state.json`. A file rather than a journal table: it is a cache
 * of facts about machines, not part of any run's history, and holds nothing secret (a probe
 * reports resources and versions, never credentials).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetProbe } from '../dispatch/types';

export const PROBE_STATE_FILE = 'targets.state.json';

export interface RecordedProbe extends TargetProbe {
  /** When the probe ended (ms since the epoch). */
  at: number;
}

type State = { version: 1; probes: Record<string, RecordedProbe> };

function statePath(home: string): string {
  return join(home, PROBE_STATE_FILE);
}

/** @example readProbes(home).gpu1?.ok // true after a successful `sgr targets check gpu1` */
export function readProbes(home: string): Record<string, RecordedProbe> {
  try {
    const s = JSON.parse(readFileSync(statePath(home), 'utf8')) as Partial<State>;
    return s.version === 1 && s.probes && typeof s.probes === 'object' ? s.probes : {};
  } catch {
    // Missing or damaged: no probe known; the next check rewrites it.
    return {};
  }
}

/** Records one probe (read-modify-write, then an atomic rename so readers never see half a file). */
export function recordProbe(home: string, name: string, probe: RecordedProbe): void {
  const probes = { ...readProbes(home), [name]: probe };
  const tmp = `${statePath(home)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, probes } satisfies State, null, 2)}\n`);
  renameSync(tmp, statePath(home));
}
