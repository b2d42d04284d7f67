/**
 * IPC channel names, derived from the contract: one invoke channel per method
 * (`sgr:runs.list`, …) and one push channel for events. preload/ builds the same names
 * from the same list, so the two cannot drift.
 */
import { EVENT_NAMES, METHOD_NAMES, type EventName, type MethodName } from '../../kernel/common/contract';

export const CHANNEL_PREFIX = 'sgr:';
export const EVENT_CHANNEL = 'sgr:event';

/** @example channelFor('runs.list') === 'sgr:runs.list' */
export function channelFor(method: MethodName): string {
  return `${CHANNEL_PREFIX}${method}`;
}

export const METHOD_CHANNELS: ReadonlyMap<string, MethodName> = new Map(METHOD_NAMES.map((m) => [channelFor(m), m]));

/** The message on EVENT_CHANNEL. */
export interface EventMessage {
  event: EventName;
  payload: unknown;
}

export function isEventName(name: string): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name);
}
