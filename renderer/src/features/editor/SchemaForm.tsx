/**
 * The params form of a step, generated from its skill's JSON Schema: one field per
 * property (types, enums, ranges, defaults as placeholders), validated as you type;
 * structures and anything the form cannot express are edited as YAML.
 */
import { useMemo } from 'react';
import type { SkillInfo } from '../../../../kernel/common/contract-editor';
import { DraftField } from './DraftField';
import { edit } from './editor-store';
import { fieldsFromSchema, validateValue } from './model/schema-fields';
import type { EditorStep, SchemaField } from './model/types';
import { fromText, getPath, parseYaml, toText, toYaml } from './values';

const LONG_TEXT = /^(code|command|script|template|prompt|query)$/;

function Field({ step, field }: { step: EditorStep; field: SchemaField }) {
  const value = getPath(step.params, field.path);
  const testid = `param-${field.path}`;
  const write = (v: unknown) => edit((d) => d.setParam(step.key, field.path, v));
  const hint = [field.minimum !== null ? `≥ ${field.minimum}` : null, field.maximum !== null ? `≤ ${field.maximum}` : null].filter(Boolean).join(', ');
  let control;
  if (field.type === 'boolean') {
    control = (
      <select data-testid={testid} value={value === undefined ? '' : String(value)} onChange={(e) => write(e.target.value === '' ? undefined : e.target.value === 'true')}>
        <option value="">{field.default !== undefined ? `default (${String(field.default)})` : '—'}</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  } else if (field.type === 'enum' && field.enum) {
    const options = field.enum;
    const idx = options.findIndex((o) => o === value);
    control = (
      <select data-testid={testid} value={value === undefined ? '' : idx >= 0 ? String(idx) : 'other'} onChange={(e) => write(e.target.value === '' ? undefined : options[Number(e.target.value)])}>
        <option value="">{field.default !== undefined ? `default (${toText(field.default)})` : '—'}</option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {toText(o)}
          </option>
        ))}
        {value !== undefined && idx < 0 && <option value="other">{toText(value)} (not allowed)</option>}
      </select>
    );
  } else {
    const structured = !['string', 'number', 'integer'].includes(field.type);
    const text = structured ? toYaml(value) : toText(value);
    control = (
      <DraftField
        testid={testid}
        value={text}
        multiline={structured || LONG_TEXT.test(field.path.split('.').pop() ?? '') || text.includes('\n')}
        placeholder={field.default !== undefined ? `default: ${toText(field.default)}` : field.required ? 'required' : ''}
        validate={(draft) => {
          const p = fromText(field, draft);
          if (!p.ok) return p.error;
          if (p.value === undefined) return field.required && field.default === undefined ? 'required' : null;
          // A ${…} reference is resolved at run time: the form cannot check it.
          if (typeof p.value === 'string' && p.value.includes('${')) return null;
          return validateValue(field, p.value);
        }}
        commit={(draft) => {
          const p = fromText(field, draft);
          if (p.ok) write(p.value);
          return p.ok;
        }}
      />
    );
  }
  return (
    <label className="ed-field" title={field.description ?? undefined}>
      <span>
        {field.label}
        {field.required && <b className="ed-req">*</b>}
        {hint && <span className="muted small"> {hint}</span>}
      </span>
      {control}
      {field.description && <span className="muted small">{field.description}</span>}
    </label>
  );
}

export function SchemaForm({ step, skill }: { step: EditorStep; skill: SkillInfo | undefined }) {
  const fields = useMemo(() => (skill ? fieldsFromSchema(skill.params) : []), [skill]);
  return (
    <div className="ed-form" data-testid="params-form">
      {fields.map((f) => (
        <Field key={f.path} step={step} field={f} />
      ))}
      {skill && !fields.length && <div className="muted small">This skill's params have no fixed fields: use the YAML below.</div>}
      <label className="ed-field">
        <span>params (YAML)</span>
        <DraftField
          testid="params-yaml"
          multiline
          value={toYaml(Object.keys(step.params).length ? step.params : undefined)}
          validate={(draft) => {
            const p = parseYaml(draft);
            if (!p.ok) return p.error;
            return p.value === null || p.value === undefined || (typeof p.value === 'object' && !Array.isArray(p.value)) ? null : 'params is a mapping';
          }}
          commit={(draft) => {
            const p = parseYaml(draft);
            if (!p.ok) return false;
            const next = (p.value ?? {}) as Record<string, unknown>;
            edit((d) => {
              for (const k of Object.keys(step.params)) if (!(k in next)) d.setParam(step.key, k, undefined);
              for (const [k, v] of Object.entries(next)) if (JSON.stringify(v) !== JSON.stringify(step.params[k])) d.setParam(step.key, k, v);
            });
            return true;
          }}
        />
      </label>
    </div>
  );
}
