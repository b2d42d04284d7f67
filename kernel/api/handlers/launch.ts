/** Handlers of launching, cancelling and resuming runs from the app (U5). */
import { cancelRun, dismissInterrupted, interruptedRuns, resumeRun } from '../../launch/control';
import { launch, type LaunchRequest } from '../../launch/launcher';
import type { HandlerMap } from './types';

type LaunchMethods = 'runs.launch' | 'runs.cancel' | 'runs.resume' | 'runs.interrupted' | 'runs.dismissInterrupted';

export const launchHandlers: HandlerMap<LaunchMethods> = {
  'runs.launch': (k, input: LaunchRequest) => launch(k, input),
  'runs.cancel': (k, input: { runId: string }) => cancelRun(k, input.runId),
  'runs.resume': (k, input: { runId: string }) => resumeRun(k, input.runId),
  'runs.interrupted': (k) => interruptedRuns(k),
  'runs.dismissInterrupted': (k, input: { runIds: string[] }) => dismissInterrupted(k, input.runIds),
};
