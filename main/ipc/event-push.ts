/**
 * Pushes contract events to the window on EVENT_CHANNEL. Two sources feed it: the
 * in-process kernel bus (runs this process executes) and the journal tailer (runs started
 * by `sgr run` in another process, seen through the shared journal.db). An event source
 * is just `(kernel, emit) => stop`; the serve mode uses the same shape, so the journal
 * tailer plugs into both transports unchanged.
 */
import type { Kernel } from '../../kernel/api/kernel';
import type { EventName, EventPayload } from '../../kernel/common/contract';
import { EVENT_CHANNEL, type EventMessage } from './channels';
import { onLaunchProgress } from '../../kernel/launch/progress';
import { bridgeBusEvents, type EmitEvent } from './event-bridge';

export type EventSource = (kernel: Kernel, emit: EmitEvent) => () => void;

/** Where events go: the current window's webContents, if it is still alive. */
export interface EventSink {
  send(channel: string, message: EventMessage): void;
  isDestroyed(): boolean;
}

export const busEventSource: EventSource = (kernel, emit) => bridgeBusEvents(kernel.bus, emit);

/** launch.progress of launches from the app (runs.launch): they run in this process. */
export const launchEventSource: EventSource = (kernel, emit) => onLaunchProgress(kernel, (p) => emit('launch.progress', p));

export function startEventPush(kernel: Kernel, sink: () => EventSink | null, sources: readonly EventSource[]): () => void {
  const emit: EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    const target = sink();
    if (target && !target.isDestroyed()) target.send(EVENT_CHANNEL, { event, payload });
  };
  const stops = sources.map((source) => source(kernel, emit));
  return () => {
    for (const stop of stops) stop();
  };
}
