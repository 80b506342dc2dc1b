/**
 * The ingest baseline: a bare fastify route that parses the same JSON body and answers 202 with an id,
 * storing nothing (and an ack route answering 200 for bench:pipeline's floor). What the HTTP stack alone allows on this machine. Plain JavaScript, run by node
 * itself like the compiled gateway it is compared with (no TypeScript loader in either).
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1/apps/:app/notifications', async (_request, reply) => {
  reply.code(202);
  return { id: randomUUID(), recipients: 1 };
});
// bench:pipeline's floor: the device's ack answered without looking at it.
app.post('/v1/apps/:app/acks', async () => ({ result: 'delivered' }));
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => void app.close().then(() => process.exit(0)));
