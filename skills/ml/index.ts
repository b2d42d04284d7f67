/** The PEFT lab skills: trainer config, training, evaluation, merging, registration, selection and reporting. */
import type { Skill } from '../../kernel/skills/api';
import { artifactSkill } from './artifact';
import { configSkill } from './config';
import { evalSkill } from './eval';
import { mergeSkill } from './merge';
import { reportSkill } from './report';
import { selectSkill } from './select';
import { trainSkill } from './train';

export { artifactSkill, configSkill, evalSkill, mergeSkill, reportSkill, selectSkill, trainSkill };

export const mlSkills: readonly Skill[] = [configSkill, trainSkill, evalSkill, mergeSkill, artifactSkill, selectSkill, reportSkill];
