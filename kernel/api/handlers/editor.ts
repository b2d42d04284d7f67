/** Handlers of the experiment editor (U4). */
import { checkExperiment } from '../../editor/check';
import { listExamples, readExperimentFile, saveExperimentFile } from '../../editor/files';
import { listSkills } from '../../editor/skills';
import type { HandlerMap } from './types';

type EditorMethods = 'skills.list' | 'experiments.examples' | 'experiments.read' | 'experiments.check' | 'experiments.save';

export const editorHandlers: HandlerMap<EditorMethods> = {
  'skills.list': (k) => listSkills(k.skills),
  'experiments.examples': () => listExamples(),
  'experiments.read': (_k, input: { path: string }) => readExperimentFile(input.path),
  'experiments.check': (k, input: { text: string; path?: string }) => checkExperiment(k, input.text, input.path),
  'experiments.save': (_k, input: { path: string; text: string }) => saveExperimentFile(input.path, input.text),
};
