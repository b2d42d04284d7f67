/** Asks how a new connection is written: a dependency, or a reference to one of the source's outputs. */
import { useState } from 'react';
import { edit, useEditorStore } from './editor-store';
import { outputNames, skillByName } from './skill-info';

export function ConnectPopover({ source, target, onClose }: { source: string; target: string; onClose: () => void }) {
  const graph = useEditorStore((s) => s.graph);
  const skills = useEditorStore((s) => s.skills);
  const src = graph.steps.find((s) => s.key === source);
  const dst = graph.steps.find((s) => s.key === target);
  const outputs = outputNames(skillByName(skills, src?.skill ?? ''));
  const [output, setOutput] = useState(outputs[0] ?? '');
  const [into, setInto] = useState<'inputs' | 'params'>('inputs');
  const [name, setName] = useState(outputs[0] ?? '');
  /** Closes unless the model refused the connection (its message is in the problems panel). */
  const done = (ok: true | undefined) => {
    if (ok !== undefined) onClose();
  };
  const dep = () =>
    edit((d): true => {
      try {
        d.connect(source, target, { kind: 'dep' });
      } catch (e) {
        // The model refuses a cycle; the editor writes it anyway so the kernel's check shows
        // it on the offending edges (a cycle typed in the YAML view appears the same way).
        if (!(e instanceof Error && /cycle/.test(e.message)) || !src || !dst) throw e;
        d.setField(target, 'deps', [...dst.deps, src.sweep && src.sweep === dst.sweep ? src.id : src.key]);
      }
      return true;
    });
  return (
    <div className="ed-popover" role="dialog" data-testid="connect-popover">
      <div className="ed-popover-title">
        Connect <span className="mono">{source}</span> → <span className="mono">{target}</span>
      </div>
      <button className="btn primary small" data-testid="connect-dep" onClick={() => done(dep())}>
        Dependency (runs after)
      </button>
      <div className="ed-popover-sep muted small">or pass an output</div>
      <label className="ed-field">
        <span>output</span>
        <input list="connect-outputs" data-testid="connect-output" value={output} onChange={(e) => setOutput(e.target.value)} placeholder="output name" />
        <datalist id="connect-outputs">
          {outputs.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      </label>
      <label className="ed-field">
        <span>into</span>
        <select data-testid="connect-into" value={into} onChange={(e) => setInto(e.target.value as 'inputs' | 'params')}>
          <option value="inputs">inputs</option>
          <option value="params">params</option>
        </select>
      </label>
      <label className="ed-field">
        <span>as</span>
        <input data-testid="connect-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="input name" />
      </label>
      <div className="ed-row">
        <button className="btn small" data-testid="connect-ref" disabled={!output || !name} onClick={() => done(edit((d) => (d.connect(source, target, { kind: 'ref', output, into, name }), true as const)))}>
          Reference
        </button>
        <span className="spacer" />
        <button className="btn ghost small" data-testid="connect-cancel" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
