/** Handlers of run comparison and manifest diffs (U6, R2). */
import { diffManifests } from '../../common/manifest-diff';
import { buildManifest } from '../../manifest/build';
import { compareRuns } from '../../query/compare';
import type { HandlerMap } from './types';

export const compareHandlers: HandlerMap<'runs.compare' | 'manifest.diff'> = {
  'runs.compare': (k, i: { runIds: string[] }) => compareRuns(k.db, k.journal.blobs, i.runIds),
  'manifest.diff': (k, i: { a: string; b: string }) => {
    const sections = diffManifests(buildManifest(k, k.requireRun(i.a).id), buildManifest(k, k.requireRun(i.b).id));
    return { a: i.a, b: i.b, identical: Object.values(sections).every((s) => s.identical), sections };
  },
};
