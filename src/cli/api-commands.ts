/** The CLI commands that call a running gateway's HTTP API: send, scores, devices. */
import { ApiClient, type ApiOptions } from './api-client.js';
import { EXIT_OK, usageError, type CliIo } from './io.js';
import { formatTable } from './table.js';

interface Common extends ApiOptions {
  app?: string | undefined;
  json?: boolean | undefined;
}

function requireApp(app: string | undefined): string {
  if (!app) throw usageError('--app is required');
  return encodeURIComponent(app);
}

export interface SendOptions extends Common {
  device?: string[] | undefined;
  user?: string[] | undefined;
  title?: string | undefined;
  body?: string | undefined;
  data?: string[] | undefined;
  priority?: string | undefined;
  ttl?: string | undefined;
  idempotencyKey?: string | undefined;
  sms?: string | undefined;
}

interface Accepted {
  id: string;
  recipients: number;
  duplicate?: boolean;
  unknownDeviceIds?: string[];
}

export async function send(options: SendOptions, io: CliIo): Promise<number> {
  const app = requireApp(options.app);
  const deviceIds = options.device ?? [];
  const userIds = options.user ?? [];
  if (deviceIds.length === 0 && userIds.length === 0) throw usageError('name the recipients with --device ID or --user ID');
  const data: Record<string, string> = {};
  for (const pair of options.data ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--data "${pair}" is not KEY=VALUE`);
    data[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (options.priority !== undefined && options.priority !== 'high' && options.priority !== 'normal') {
    throw usageError(`--priority must be high or normal (got "${options.priority}")`);
  }
  let ttlSeconds: number | undefined;
  if (options.ttl !== undefined) {
    ttlSeconds = Number(options.ttl);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0) throw usageError(`--ttl must be a whole number of seconds (got "${options.ttl}")`);
  }
  const client = ApiClient.from(options, io);
  const body = {
    to: { ...(deviceIds.length ? { deviceIds } : {}), ...(userIds.length ? { userIds } : {}) },
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(Object.keys(data).length ? { data } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.sms !== undefined ? { sms: { text: options.sms } } : {}),
  };
  const accepted = await client.request<Accepted>('POST', `/v1/apps/${app}/notifications`, body);
  if (options.json) {
    io.stdout(`${JSON.stringify(accepted)}\n`);
    return EXIT_OK;
  }
  io.stdout(`accepted ${accepted.id}: ${accepted.recipients} recipient${accepted.recipients === 1 ? '' : 's'}${accepted.duplicate ? ' (duplicate: first answer for this idempotency key)' : ''}\n`);
  if (accepted.unknownDeviceIds?.length) io.stdout(`unknown devices (not sent): ${accepted.unknownDeviceIds.join(', ')}\n`);
  io.stdout(`status: ${client.baseUrl}/v1/apps/${app}/notifications/${accepted.id}\n`);
  return EXIT_OK;
}

export interface ScoresOptions extends Common {
  platform?: string | undefined;
  brand?: string | undefined;
  model?: string | undefined;
}

interface ScoreRow {
  level: string;
  platform: string;
  brand?: string;
  model?: string;
  provider: string;
  estimate: number;
  lower: number;
  upper: number;
  samples: number;
  latencyMs?: number;
}

export async function scores(options: ScoresOptions, io: CliIo): Promise<number> {
  const app = requireApp(options.app);
  const client = ApiClient.from(options, io);
  const query = new URLSearchParams();
  for (const name of ['platform', 'brand', 'model'] as const) {
    const value = options[name];
    if (value !== undefined) query.set(name, value);
  }
  const qs = query.size ? `?${query}` : '';
  const { rows } = await client.request<{ rows: ScoreRow[] }>('GET', `/v1/apps/${app}/scores${qs}`);
  if (options.json) {
    io.stdout(`${JSON.stringify({ rows })}\n`);
    return EXIT_OK;
  }
  if (rows.length === 0) {
    io.stdout('no scores yet (nothing delivered to this device class so far)\n');
    return EXIT_OK;
  }
  io.stdout(formatTable(
    ['LEVEL', 'PLATFORM', 'BRAND', 'MODEL', 'PROVIDER', 'ESTIMATE', '95% INTERVAL', 'SAMPLES', 'LATENCY'],
    rows.map((r) => [
      r.level, r.platform, r.brand ?? '-', r.model ?? '-', r.provider,
      r.estimate.toFixed(3), `${r.lower.toFixed(3)}–${r.upper.toFixed(3)}`, r.samples.toFixed(1),
      r.latencyMs === undefined ? '-' : `${Math.round(r.latencyMs)} ms`,
    ]),
  ));
  return EXIT_OK;
}

export interface DevicesOptions extends Common {
  device?: string | undefined;
}

export async function devices(action: string | undefined, positionalId: string | undefined, options: DevicesOptions, io: CliIo): Promise<number> {
  if (action !== 'get' && action !== 'delete') throw usageError(`devices needs get or delete${action ? ` (got "${action}")` : ''}`);
  const app = requireApp(options.app);
  const id = options.device ?? positionalId;
  if (!id) throw usageError('--device ID is required');
  const client = ApiClient.from(options, io);
  const path = `/v1/apps/${app}/devices/${encodeURIComponent(id)}`;
  if (action === 'delete') {
    await client.request('DELETE', path);
    io.stdout(options.json ? `${JSON.stringify({ deleted: id })}\n` : `deleted ${id}\n`);
    return EXIT_OK;
  }
  const device = await client.request<Record<string, unknown>>('GET', path);
  // The API never answers a device key here; dropping the field anyway keeps it out of any future output.
  const { deviceKey: _hidden, ...shown } = device;
  if (options.json) {
    io.stdout(`${JSON.stringify(shown)}\n`);
    return EXIT_OK;
  }
  const width = Math.max(...Object.keys(shown).map((k) => k.length));
  for (const [key, value] of Object.entries(shown)) {
    io.stdout(`${`${key}:`.padEnd(width + 2)}${Array.isArray(value) ? value.join(', ') : String(value)}\n`);
  }
  return EXIT_OK;
}
