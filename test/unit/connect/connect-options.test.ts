import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { resolveConnectOptions } from '../../../src/connect/index.js';

describe('connect options', () => {
  it('merges defaults and derives the presence TTL from the heartbeat', () => {
    const options = resolveConnectOptions({ heartbeatIntervalMs: 1_000, idleTimeoutMs: 3_000, nodeId: 'n1' });
    expect(options).toMatchObject({ nodeId: 'n1', heartbeatIntervalMs: 1_000, presenceTtlMs: 3_000, maxFrameBytes: 4_096 });
  });

  it('names the field that cannot work', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ maxFrameBytes: 0 }, 'connect.maxFrameBytes'],
      [{ inboxMaxMessages: 1.5 }, 'connect.inboxMaxMessages'],
      [{ heartbeatIntervalMs: 10_000, idleTimeoutMs: 5_000 }, 'connect.idleTimeoutMs'],
      [{ presenceTtlMs: 10 }, 'connect.presenceTtlMs'],
      [{ nodeId: 'a b' }, 'connect.nodeId'],
      [{ maxFramesPerSecond: 0 }, 'connect.maxFramesPerSecond'],
      [{ inboxMaxMessages: 300 }, 'connect.frameBurst'],
    ];
    for (const [input, path] of cases) {
      try {
        resolveConnectOptions(input);
        expect.unreachable(path);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).path).toBe(path);
      }
    }
  });
});
