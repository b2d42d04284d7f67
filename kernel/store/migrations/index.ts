import type { Migration } from '../migrate';
import { m0001 } from './0001-runs-steps-events';
import { m0002 } from './0002-recordings-cache';
import { m0003 } from './0003-metrics';
import { m0004 } from './0004-run-summary';
import { m0005 } from './0005-metric-rollups';
import { m0006 } from './0006-runs-browse-indexes';
import { m0007 } from './0007-launches';
import { m0008 } from './0008-sched-queue';

/** Every migration, in order. Versions are 1..n without gaps (checked by migrate.test.ts). */
export const migrations: Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008];
