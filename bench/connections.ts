/**
 * npm run bench:connections — how many idle device sockets one node holds and what each costs, then a
 * fan-out to all of them through the pipeline, fully acked.
 *
 * Opens BENCH_CONNECTIONS (50,000) WebSockets to one gateway process (memory stores, long connection at
 * its production defaults), spread over several 127.0.0.x source addresses so the client side is not
 * bounded by one address's ephemeral ports. The server process measures its own memory (after GC)
 * before and after; then one notification goes to every device through the pipeline and each device
 * acks on its socket (`fanout_*`); then the channel alone pushes to every device (`direct_fanout_*`).
 * Prints one JSON line.
 *
 * File descriptors: both processes need one per socket. When `ulimit -n` is too low the benchmark
 * re-runs itself under a raised limit (works with CAP_SYS_RESOURCE or within the hard limit); if that
 * is not allowed it runs as many connections as the limit permits and reports `fd_limit` and
 * `requested_connections` beside `connections`.
 */
import { execSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { signConnectToken } from '../src/connect/index.js';
import { benchDeviceId, benchDeviceKey, type FromServer, type MemorySample, type ToServer } from './support/connections/protocol.js';

const requested = Number(process.env.BENCH_CONNECTIONS ?? 50_000);
const inFlight = Number(process.env.BENCH_CONNECT_CONCURRENCY ?? 500);
const fanoutTimeoutMs = Number(process.env.BENCH_FANOUT_TIMEOUT_MS ?? 120_000);
/**
 * Client ports per source address. Ports are chosen here, not by the kernel: bind() to an address with
 * port 0 searches the port space under a lock and slows to a crawl as it fills (Node cannot set
 * IP_BIND_ADDRESS_NO_PORT), while an explicit port binds at once.
 */
const PER_SOURCE = 20_000;
/** Varies per run so a previous run's TIME_WAIT sockets do not collide. */
const FIRST_PORT = 20_000 + Math.floor(Math.random() * 20) * 1_000;
const neededFds = requested + 4_096;

function fdLimit(): number {
  return Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim());
}

if (fdLimit() < neededFds && !process.env.BENCH_CONNECTIONS_RERUN) {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync('/bin/sh', ['-c', `ulimit -n ${neededFds} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" --import tsx "$1"`, process.execPath, self], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_CONNECTIONS_RERUN: '1' },
  });
  process.exit(result.status ?? 1);
}

const limit = fdLimit();
// Each process (server and fleet) holds one descriptor per socket: past the limit the server fails
// with EMFILE, so the run is capped and says so (`fd_limit`, `requested_connections`).
const connections = limit < neededFds ? Math.max(1, limit - 1_000) : requested;
if (connections < requested) process.stderr.write(`bench:connections: ulimit -n is ${limit} and cannot be raised here (needs CAP_SYS_RESOURCE or a higher hard limit); running ${connections} of the ${requested} connections asked\n`);
const log = (line: string) => process.stderr.write(`bench:connections: ${line}\n`);
const started = performance.now();

// The server, alone in its process so its memory is its own.
const serverScript = fileURLToPath(new URL('./support/connections/server.ts', import.meta.url));
// BENCH_SERVER_ARGS: extra node flags for the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
const server = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', ...serverArgs, '--import', 'tsx', serverScript], {
  env: { ...process.env, BENCH_DEVICES: String(connections) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const replies: FromServer[] = [];
let wake: (() => void) | undefined;
server.on('message', (m: FromServer) => {
  replies.push(m);
  wake?.();
});
server.on('exit', (code) => {
  if (code !== 0 && code !== null) {
    log(`server exited with ${code}`);
    process.exit(1);
  }
});

async function next<T extends FromServer['type']>(type: T): Promise<Extract<FromServer, { type: T }>> {
  for (;;) {
    const index = replies.findIndex((r) => r.type === type);
    if (index >= 0) return replies.splice(index, 1)[0] as Extract<FromServer, { type: T }>;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

async function ask<T extends FromServer['type']>(command: ToServer, type: T): Promise<Extract<FromServer, { type: T }>> {
  server.send(command);
  return next(type);
}

const { port } = await next('ready');
const baseline: MemorySample = (await ask({ type: 'baseline' }, 'memory')).sample;
log(`server up on ${port} with ${connections} devices registered; opening sockets`);

// The fleet: every device acks each message on its socket, as the SDK does.
const sources = Math.max(1, Math.ceil(connections / PER_SOURCE));
const sockets: WebSocket[] = [];
let failures = 0;
let nextIndex = 0;
const tokenExpiry = Date.now() + 50 * 60_000;

async function openOne(i: number): Promise<void> {
  const id = benchDeviceId(i);
  const token = signConnectToken('bench', id, benchDeviceKey(id), tokenExpiry);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/apps/bench/connect?token=${token}`, {
    localAddress: `127.0.0.${2 + (i % sources)}`,
    localPort: FIRST_PORT + Math.floor(i / sources),
    perMessageDeflate: false,
  });
  ws.on('message', (data) => {
    const text = data.toString();
    // Only message frames carry a notification id; no need to parse the rest.
    if (!text.startsWith('{"type":"message"')) return;
    const frame = JSON.parse(text) as { notificationId: string };
    ws.send(`{"type":"ack","notificationId":"${frame.notificationId}"}`);
  });
  ws.on('error', () => undefined);
  try {
    await once(ws, 'open');
    sockets.push(ws);
  } catch {
    failures += 1;
  }
}

const connectStarted = performance.now();
let lastReport = performance.now();
await Promise.all(Array.from({ length: Math.min(inFlight, connections) }, async () => {
  while (nextIndex < connections) {
    await openOne(nextIndex++);
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      log(`${sockets.length} open, ${failures} failed`);
    }
  }
}));
const connectSeconds = (performance.now() - connectStarted) / 1000;
log(`${sockets.length} open in ${connectSeconds.toFixed(1)} s (${failures} failed); letting them idle`);

// Let the replayed-inbox checks and handshake garbage settle before measuring the idle cost.
await new Promise((r) => setTimeout(r, 3_000));
const loaded = (await ask({ type: 'measure' }, 'memory')).sample;
const held = loaded.connections;
log(`server holds ${held}; fan-out`);
const fanout = await ask({ type: 'fanout', timeoutMs: fanoutTimeoutMs }, 'fanout');
log(`pipeline fan-out acked by ${fanout.acked}; direct fan-out`);
const direct = await ask({ type: 'direct', timeoutMs: fanoutTimeoutMs }, 'direct');

for (const ws of sockets) ws.terminate();
server.kill('SIGTERM');
await once(server, 'exit');

const perConn = (a: number, b: number) => Math.round((b - a) / Math.max(1, held));
const round = (n: number) => Math.round(n * 10) / 10;
process.stdout.write(`${JSON.stringify({
  bench: 'connections',
  connections: held,
  requested_connections: requested,
  connect_failures: failures,
  connect_seconds: round(connectSeconds),
  connects_per_second: Math.round(sockets.length / connectSeconds),
  server_bytes_per_conn: perConn(baseline.rss, loaded.rss),
  server_heap_bytes_per_conn: perConn(baseline.heapUsed, loaded.heapUsed),
  server_external_bytes_per_conn: perConn(baseline.external, loaded.external),
  server_rss_mb: Math.round(loaded.rss / 1_048_576),
  fanout_devices: fanout.devices,
  fanout_acked: fanout.acked,
  fanout_accept_ms: round(fanout.acceptMs),
  fanout_acked_p50_ms: round(fanout.p50),
  fanout_acked_p99_ms: round(fanout.p99),
  fanout_acked_max_ms: round(fanout.max),
  // The same, counted from the 202: what the worker, the sockets and the acks take.
  fanout_after_accept_p99_ms: round(fanout.p99 - fanout.acceptMs),
  // The channel alone: deliver() to every device at once, timed to each ack frame at the server.
  direct_fanout_acked: direct.acked,
  direct_fanout_acked_p50_ms: round(direct.p50),
  direct_fanout_acked_p99_ms: round(direct.p99),
  fd_limit: limit,
  seconds: round((performance.now() - started) / 1000),
})}\n`);
