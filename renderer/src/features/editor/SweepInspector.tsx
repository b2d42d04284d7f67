/** A sweep block as a form: protocol and its values, seeds, fixed params, objective; YAML for the rest. */
import { DraftField } from './DraftField';
import { edit, useEditorStore } from './editor-store';
import type { EditorSweep } from './model/types';
import { parseYaml, toText, toYaml } from './values';

const PROTOCOLS = ['grid', 'random', 'tpe', 'seeds', 'curriculum', 'ensemble'] as const;

function setSpec(name: string, spec: Record<string, unknown>): void {
  edit((d) => d.setSweepSpec(name, spec));
}

/** Writes one key of the spec; undefined removes it. */
function setKey(sw: EditorSweep, key: string, value: unknown): void {
  const spec = { ...sw.spec };
  if (value === undefined) delete spec[key];
  else spec[key] = value;
  setSpec(sw.name, spec);
}

function yamlField(sw: EditorSweep, key: string, testid: string) {
  return (
    <DraftField
      testid={testid}
      multiline
      value={toYaml(sw.spec[key])}
      validate={(t) => {
        const p = parseYaml(t);
        return p.ok ? null : p.error;
      }}
      commit={(t) => {
        const p = parseYaml(t);
        if (p.ok) setKey(sw, key, p.value ?? undefined);
        return p.ok;
      }}
    />
  );
}

export function SweepInspector({ sweep: sw }: { sweep: EditorSweep }) {
  const trials = useEditorStore((s) => s.check?.sweeps.find((x) => x.name === sw.name)?.trials ?? null);
  const objective = (sw.spec['objective'] ?? {}) as { metric?: string; direction?: string };
  const seeds = Array.isArray(sw.spec['seeds']) ? (sw.spec['seeds'] as unknown[]).join(', ') : toText(sw.spec['seeds']);
  return (
    <div className="ed-inspector-body" data-testid="sweep-inspector">
      <div className="ed-row">
        <b>sweep {sw.name}</b>
        {trials !== null && <span className="tag">{trials} trials</span>}
        <span className="muted small">{sw.steps.length} template steps</span>
      </div>
      <label className="ed-field">
        <span>protocol</span>
        <select
          data-testid="sweep-protocol"
          value={sw.protocol}
          onChange={(e) => {
            const spec = { ...sw.spec };
            const value = spec[sw.protocol];
            delete spec[sw.protocol];
            spec[e.target.value] = value ?? {};
            setSpec(sw.name, spec);
          }}
        >
          {[...new Set([...PROTOCOLS, sw.protocol])].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      {sw.protocol !== 'seeds' && (
        <label className="ed-field">
          <span>{sw.protocol} (YAML)</span>
          {yamlField(sw, sw.protocol, 'sweep-protocol-value')}
        </label>
      )}
      <label className="ed-field">
        <span>seeds</span>
        <DraftField
          testid="sweep-seeds"
          value={seeds}
          placeholder="1, 2, 3"
          validate={(t) => (t.split(',').every((x) => !x.trim() || Number.isInteger(Number(x.trim()))) ? null : 'whole numbers, separated by commas')}
          commit={(t) => {
            const list = t.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
            if (list.some((n) => !Number.isInteger(n))) return false;
            setKey(sw, 'seeds', list.length ? list : undefined);
            return true;
          }}
        />
      </label>
      <label className="ed-field">
        <span>params (fixed for every trial, YAML)</span>
        {yamlField(sw, 'params', 'sweep-params')}
      </label>
      <div className="ed-row">
        <label className="ed-field grow">
          <span>objective metric</span>
          <DraftField testid="sweep-objective-metric" value={objective.metric ?? ''} validate={() => null} commit={(t) => (setKey(sw, 'objective', t ? { ...objective, metric: t } : undefined), true)} />
        </label>
        <label className="ed-field">
          <span>direction</span>
          <select data-testid="sweep-objective-direction" value={objective.direction ?? 'maximize'} onChange={(e) => setKey(sw, 'objective', { ...objective, direction: e.target.value })}>
            <option>maximize</option>
            <option>minimize</option>
          </select>
        </label>
      </div>
      <details className="section">
        <summary>Whole block (YAML)</summary>
        <div className="section-body">
          <DraftField
            testid="sweep-yaml"
            multiline
            value={toYaml(sw.spec)}
            validate={(t) => {
              const p = parseYaml(t);
              return p.ok ? (p.value && typeof p.value === 'object' && !Array.isArray(p.value) ? null : 'a mapping') : p.error;
            }}
            commit={(t) => {
              const p = parseYaml(t);
              if (p.ok && p.value && typeof p.value === 'object') setSpec(sw.name, p.value as Record<string, unknown>);
              return p.ok;
            }}
          />
        </div>
      </details>
    </div>
  );
}
