/** The registry of versioned skills the kernel can run. */
import type { Skill } from './api';

export class SkillRegistry {
  private readonly skills = new Map<string, Skill>();

  /** @example new SkillRegistry([shellSkill, pythonSkill]) */
  constructor(skills: readonly Skill[] = []) {
    for (const s of skills) this.register(s);
  }

  register(skill: Skill): void {
    if (this.skills.has(skill.name)) throw new Error(`skill "${skill.name}" is registered twice`);
    if (!/^\d+\.\d+\.\d+/.test(skill.version)) {
      throw new Error(`skill "${skill.name}": version "${skill.version}" is not semver (e.g. 1.0.0)`);
    }
    this.skills.set(skill.name, skill);
  }

  get(name: string): Skill | undefined {
    return this.skills.get(name);
  }

  names(): string[] {
    return [...this.skills.keys()].sort();
  }

  list(): Skill[] {
    return this.names().map((n) => this.skills.get(n) as Skill);
  }
}
