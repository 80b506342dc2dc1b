/**
 * A gateway node with the long connection, as its own process (for test/e2e/connect-*.test.ts, which
 * kill it with SIGKILL). Env: REDIS_URL, KEY_PREFIX, NODE_ID, PORT, HEARTBEAT_MS. Worker off: the
 * test's other node does the delivery work, so reaching this node's sockets crosses pub/sub.
 * Prints `READY <base url>` once listening.
 */
import { connectFactory } from '../../../src/connect/index.js';
import { testGateway } from '../../support/gateway.js';
import { connectConfig } from './connect-helpers.js';

const heartbeat = Number(process.env.HEARTBEAT_MS ?? 25_000);
const config = connectConfig();
(config.server as Record<string, unknown>).port = Number(process.env.PORT ?? 0);
const gw = await testGateway({
  config,
  redisUrl: process.env.REDIS_URL,
  keyPrefix: process.env.KEY_PREFIX,
  worker: false,
  connect: connectFactory({ nodeId: process.env.NODE_ID, heartbeatIntervalMs: heartbeat, idleTimeoutMs: heartbeat * 3 }),
});
const base = await gw.listen();
process.stdout.write(`READY ${base}\n`);
process.on('SIGTERM', () => void gw.close().finally(() => process.exit(0)));
