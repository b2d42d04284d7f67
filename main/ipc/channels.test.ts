import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES } from '../../kernel/common/contract';
import { hostPaths } from '../host-paths';
import { channelFor, EVENT_CHANNEL, isEventName, METHOD_CHANNELS } from './channels';

describe('channels', () => {
  it('has one invoke channel per contract method, and nothing else', () => {
    expect([...METHOD_CHANNELS.values()].sort()).toEqual([...METHOD_NAMES].sort());
    for (const m of METHOD_NAMES) expect(METHOD_CHANNELS.get(`sgr:${m}`)).toBe(m);
    expect(channelFor('runs.list')).toBe('sgr:runs.list');
  });

  it('keeps the event channel apart from every method channel', () => {
    expect(METHOD_CHANNELS.has(EVENT_CHANNEL)).toBe(false);
    expect(EVENT_CHANNEL).toBe('sgr:event');
  });

  it('knows the contract events only', () => {
    for (const e of EVENT_NAMES) expect(isEventName(e)).toBe(true);
    expect(isEventName('step.phaseEntered')).toBe(false);
    expect(isEventName('__proto__')).toBe(false);
  });

  it('finds the renderer and preload next to the main bundle', () => {
    expect(hostPaths('/app/dist/main')).toEqual({ rendererDir: '/app/dist/renderer', preload: '/app/dist/preload/index.cjs' });
  });
});
