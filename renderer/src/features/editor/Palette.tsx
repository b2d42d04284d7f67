/** The skill palette: the registry's skills, grouped, filterable; click or drag onto the canvas to add a step. */
import { useState } from 'react';
import { freeSpot } from './canvas-model';
import { SKILL_MIME } from './Canvas';
import { edit, select, useEditorStore } from './editor-store';
import { placement } from './placement';
import { groupSkills } from './skill-info';

/** Adds a step of `skill` at a free spot, keeps its position in the file and selects it. */
export function addFromPalette(skill: string): void {
  const { graph, session } = useEditorStore.getState();
  // Steps the file gives no position are where the auto-layout put them: keep them there.
  const placed = placement.positions(graph, session);
  const position = freeSpot(placed);
  const key = edit((d) => {
    const k = d.addStep(skill, { position });
    d.setPositions({ ...placed, [k]: position });
    return k;
  });
  if (key) select({ kind: 'step', key });
}

export function Palette() {
  const skills = useEditorStore((s) => s.skills);
  const [filter, setFilter] = useState('');
  const groups = groupSkills(skills, filter);
  return (
    <aside className="ed-palette" data-testid="palette">
      <input className="ed-palette-filter" placeholder="Filter skills…" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="palette-filter" />
      {groups.map((g) => (
        <section key={g.group}>
          <h4>{g.group}</h4>
          {g.skills.map((s) => (
            <button
              key={s.name}
              className="ed-skill"
              data-testid={`palette-skill-${s.name}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData(SKILL_MIME, s.name);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => addFromPalette(s.name)}
              title={`Add a ${s.name} step (click, or drag onto the canvas)`}
            >
              <span className="ed-skill-name">{s.name}</span>
              <span className="ed-skill-desc small muted">{s.description}</span>
            </button>
          ))}
        </section>
      ))}
      {!groups.length && <div className="muted small pad">{skills.length ? 'No skill matches.' : 'Loading skills…'}</div>}
    </aside>
  );
}
