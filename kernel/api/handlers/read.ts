/** Handlers of the read model: runs, logs, metrics, artifacts, manifests (U2, U3). */
import pkg from '../../../package.json';
import { buildManifest } from '../../manifest/build';
import { readStepLog } from '../../query/logs';
import { listMetricNames, metricSeries } from '../../query/metrics';
import { getRunDetail, listArtifacts, NotFoundError } from '../../query/run-detail';
import { listRunSummaries } from '../../query/runs-list';
import { q, type HandlerMap } from './types';

export const readHandlers: HandlerMap<'app.info' | 'runs.list' | 'runs.get' | 'logs.read' | 'metrics.list' | 'metrics.series' | 'artifacts.list' | 'manifest.get'> = {
  'app.info': (k, _i, ctx) => ({ version: pkg.version, home: k.paths.home, mode: ctx.mode }),
  'runs.list': (k, i: Parameters<typeof listRunSummaries>[1]) => listRunSummaries(k.db, i),
  'runs.get': (k, i: { runId: string }) => getRunDetail(q(k), i.runId),
  'logs.read': (k, i: Parameters<typeof readStepLog>[1]) => readStepLog(q(k), i),
  'metrics.list': (k, i: { runId: string }) => listMetricNames(k.db, i.runId),
  'metrics.series': (k, i: Parameters<typeof metricSeries>[1]) => metricSeries(k.db, i),
  'artifacts.list': (k, i: { runId: string }) => listArtifacts(q(k), i.runId),
  'manifest.get': (k, i: { runId: string }) => {
    if (!k.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(i.runId)) throw new NotFoundError(`no run with id "${i.runId}"`);
    return buildManifest(k, i.runId) as unknown as Record<string, unknown>;
  },
};
