/** Handlers of the experiment editor (U4). */
import { notYet, type HandlerMap } from './types';

export const editorHandlers: HandlerMap<'skills.list' | 'experiments.examples' | 'experiments.read' | 'experiments.check' | 'experiments.save'> = {
  'skills.list': () => notYet('skills.list'),
  'experiments.examples': () => notYet('experiments.examples'),
  'experiments.read': () => notYet('experiments.read'),
  'experiments.check': () => notYet('experiments.check'),
  'experiments.save': () => notYet('experiments.save'),
};
