/** The built-in skills, registered by every kernel (CLI, app, serve mode, tests). */
import type { Skill } from '../kernel/skills/api';
import { datasetSkill } from './dataset';
import { hpoSuggestSkill } from './hpo';
import { mlSkills } from './ml';
import { pythonSkill } from './python';
import { sandboxSkill } from './sandbox';
import { shellSkill } from './shell';
import { concatSkill, constSkill, noopSkill } from './utility';

export const builtinSkills: readonly Skill[] = [shellSkill, pythonSkill, noopSkill, constSkill, concatSkill, datasetSkill, hpoSuggestSkill, ...mlSkills, sandboxSkill];
