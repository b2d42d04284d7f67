import type { RunSummary } from '../../../../kernel/common/contract';
import type { RunSort } from '../../stores/runs-store';

export interface Column {
  key: string;
  label: string;
  width: string;
  sort?: RunSort['field'];
}

export const COLUMNS: Column[] = [
  // Pick for comparison (a checkbox per row); no label, not sortable.
  { key: 'select', label: '', width: '34px' },
  { key: 'name', label: 'Name', width: 'minmax(180px, 2fr)', sort: 'name' },
  { key: 'experiment', label: 'Experiment', width: 'minmax(140px, 1.4fr)' },
  { key: 'state', label: 'State', width: '120px', sort: 'state' },
  { key: 'started', label: 'Started', width: '160px', sort: 'createdAt' },
  { key: 'duration', label: 'Duration', width: '96px', sort: 'durationMs' },
  { key: 'best', label: 'Best metric', width: 'minmax(120px, 1fr)', sort: 'bestMetric' },
  { key: 'target', label: 'Target', width: '96px' },
  { key: 'tags', label: 'Tags', width: 'minmax(120px, 1.2fr)' },
];

export const GRID_TEMPLATE = COLUMNS.map((c) => c.width).join(' ');

export function experimentLabel(r: RunSummary): string {
  if (!r.experimentFile) return '—';
  const parts = r.experimentFile.split(/[\\/]/);
  const file = parts.pop() ?? '';
  return file === 'experiment.yaml' || file === 'experiment.yml' ? `${parts.pop() ?? ''}/${file}` : file;
}
