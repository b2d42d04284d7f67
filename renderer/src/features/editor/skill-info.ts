/** Reading the skill registry's JSON Schemas: output port names, a skill by name. */
import type { SkillInfo } from '../../../../kernel/common/contract-editor';

/** The output names a skill declares (its outputs schema's properties); none for open records. */
export function outputNames(skill: SkillInfo | undefined): string[] {
  const props = skill?.outputs['properties'];
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

export function skillByName(skills: readonly SkillInfo[], name: string): SkillInfo | undefined {
  return skills.find((s) => s.name === name);
}

/** Skills grouped by the first word of their description's domain: job vs in-process, then name. */
export function groupSkills(skills: readonly SkillInfo[], filter: string): Array<{ group: string; skills: SkillInfo[] }> {
  const f = filter.trim().toLowerCase();
  const hit = skills.filter((s) => !f || s.name.toLowerCase().includes(f) || s.description.toLowerCase().includes(f));
  const groups = new Map<string, SkillInfo[]>();
  for (const s of hit) {
    const g = s.kind === 'job' ? 'Jobs' : 'In-process';
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  return [...groups.entries()].map(([group, list]) => ({ group, skills: list.sort((a, b) => a.name.localeCompare(b.name)) }));
}
