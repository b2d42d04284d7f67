/** The selected step: id (rename), description, inputs, its params form, its problems. */
import { useState } from 'react';
import type { EditorProblem } from '../../../../kernel/common/contract-editor';
import { DraftField } from './DraftField';
import { edit, select, useEditorStore } from './editor-store';
import type { EditorStep } from './model/types';
import { SchemaForm } from './SchemaForm';
import { skillByName } from './skill-info';
import { toText } from './values';

const ID_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function Inputs({ step }: { step: EditorStep }) {
  const [name, setName] = useState('');
  return (
    <div className="ed-form">
      {Object.entries(step.inputs).map(([k, v]) => (
        <label className="ed-field" key={k}>
          <span className="ed-row">
            <span className="mono">{k}</span>
            <span className="spacer" />
            <button className="chip-x" title={`remove input ${k}`} data-testid={`input-remove-${k}`} onClick={() => edit((d) => d.setField(step.key, `inputs.${k}`, undefined))}>
              ×
            </button>
          </span>
          <DraftField testid={`input-${k}`} value={toText(v)} validate={() => null} commit={(t) => {
              edit((d) => d.setField(step.key, `inputs.${k}`, t));
              return true;
            }} />
        </label>
      ))}
      <div className="ed-row">
        <input placeholder="new input name" value={name} onChange={(e) => setName(e.target.value)} data-testid="input-new-name" />
        <button
          className="btn small"
          disabled={!ID_RE.test(name) || name in step.inputs}
          onClick={() => {
            edit((d) => d.setField(step.key, `inputs.${name}`, ''));
            setName('');
          }}
        >
          Add input
        </button>
      </div>
    </div>
  );
}

export function ProblemLines({ problems }: { problems: EditorProblem[] }) {
  if (!problems.length) return null;
  return (
    <ul className="ed-problem-lines" data-testid="inspector-problems">
      {problems.map((p, i) => (
        <li key={i}>
          {p.field && <span className="mono">{p.field}: </span>}
          {p.message}
          {p.hint && <div className="muted small">{p.hint}</div>}
        </li>
      ))}
    </ul>
  );
}

export function StepInspector({ step }: { step: EditorStep }) {
  const skills = useEditorStore((s) => s.skills);
  const check = useEditorStore((s) => (s.checkedText === s.text ? s.check : null));
  const problems = (check?.problems ?? []).filter((p) => p.stepId === step.key);
  const skill = skillByName(skills, step.skill);
  return (
    <div className="ed-inspector-body">
      <div className="ed-row">
        <b className="mono">{step.skill}</b>
        {step.sweep && <span className="tag">sweep {step.sweep}</span>}
        <span className="spacer" />
        <button
          className="btn small ghost"
          data-testid="step-delete"
          onClick={() => {
            edit((d) => d.removeStep(step.key));
            select(null);
          }}
        >
          Delete step
        </button>
      </div>
      {skill && <p className="muted small">{skill.description}</p>}
      {!skill && <div className="error-banner small">Unknown skill “{step.skill}”.</div>}
      <ProblemLines problems={problems} />
      <label className="ed-field">
        <span>id</span>
        <DraftField
          testid="step-id"
          value={step.id}
          validate={(t) => (ID_RE.test(t) ? null : 'letters, digits, _ and -, not starting with a digit')}
          commit={(t) => {
            const key = edit((d) => d.renameStep(step.key, t));
            if (key) select({ kind: 'step', key });
            return key !== undefined;
          }}
        />
      </label>
      <label className="ed-field">
        <span>description</span>
        <DraftField testid="step-description" value={step.description ?? ''} validate={() => null} commit={(t) => {
            edit((d) => d.setField(step.key, 'description', t.trim() ? t : undefined));
            return true;
          }} />
      </label>
      <h4>Params</h4>
      <SchemaForm step={step} skill={skill} />
      <h4>Inputs</h4>
      <Inputs step={step} />
      {step.deps.length > 0 && (
        <>
          <h4>Runs after</h4>
          <div className="tags">
            {step.deps.map((d) => (
              <span className="tag mono" key={d}>
                {d}
              </span>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
