/**
 * The floor of bench:pipeline's sending side: apns2 straight to the APNs mock, with the pool the
 * gateway's adapter installs (its defaults: 2 connections × 500 streams), no gateway in between.
 * Plain JavaScript run by node itself, importing the build (like the gateways it is compared with).
 *
 * Env: MOCK_URL, COUNT, DEVICES, CONCURRENCY. Prints one JSON line when every send is answered.
 */
import { readFileSync } from 'node:fs';
import { ApnsClient, Notification } from 'apns2';
import { installApnsPool } from '../../dist/providers/apns/apns-pool.js';

const fixtures = new URL('../../test/mocks/fixtures/', import.meta.url);
const count = Number(process.env.COUNT);
const devices = Number(process.env.DEVICES);
const concurrency = Number(process.env.CONCURRENCY ?? 512);

const client = new ApnsClient({
  team: 'TEAM123456',
  keyId: 'KEY1234567',
  signingKey: readFileSync(new URL('apns-test-key.p8', fixtures), 'utf8'),
  defaultTopic: 'com.example.shop',
});
installApnsPool(client, {
  endpoint: new URL(process.env.MOCK_URL),
  ca: readFileSync(new URL('mock-tls-cert.pem', fixtures), 'utf8'),
  connections: 2,
  maxConcurrentStreams: 500,
  timeoutMs: 10_000,
});

let next = 0;
let failures = 0;
// The parent starts its clock here, after this process has loaded.
process.stdout.write('ready\n');
const cpu = process.cpuUsage();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < count) {
    const i = next++;
    const notification = new Notification((i % devices).toString(16).padStart(64, '0'), {
      alert: { title: 'Drill', body: `#${i}` },
      data: { notificationId: `raw-${i}` },
      expiration: Math.floor(Date.now() / 1000) + 600,
    });
    await client.send(notification).catch(() => (failures += 1));
  }
}));
const used = process.cpuUsage(cpu);
await client.close();
process.stdout.write(`${JSON.stringify({ sent: count, failures, cpu_us_per_push: Math.round((used.user + used.system) / count) })}\n`);
