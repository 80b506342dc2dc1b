import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MOCK_TLS } from './fixtures.js';

/**
 * The socket half shared by the phone makers', Web Push and SMS mocks: an HTTPS server on 127.0.0.1
 * with the mocks' test certificate, whole-body reading, a request log, and a stop() that also cuts
 * keep-alive sockets (so a test never waits for an idle connection to time out). Each mock adds its
 * protocol in `handle`.
 */

/** One request as the mock saw it. */
export interface MockRequest {
  method: string;
  /** Path with query. */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body bytes (binary protocols such as Web Push's encrypted payload). */
  raw: Buffer;
  /** What the mock answered (absent while pending or for a hang/drop). */
  status?: number;
}

/** Scripted failure shapes every mock understands. */
export type TransportAnswer = { hang: true } | { drop: true };

export function isTransportAnswer(answer: unknown): answer is TransportAnswer {
  return typeof answer === 'object' && answer !== null && ('hang' in answer || 'drop' in answer);
}

export type MockHandler = (request: MockRequest, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

export class HttpMockServer {
  readonly url: string;
  readonly ca = MOCK_TLS.ca;
  /** Every request, in arrival order. */
  readonly log: MockRequest[] = [];

  private readonly server: https.Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: https.Server) {
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${port}`;
  }

  static async start(handler: MockHandler, port = 0): Promise<HttpMockServer> {
    const server = https.createServer({ key: MOCK_TLS.key, cert: MOCK_TLS.cert, keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const mock = new HttpMockServer(server);
    server.on('secureConnection', (socket: Socket) => {
      mock.sockets.add(socket);
      socket.on('close', () => mock.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void mock.receive(req, res, handler).catch(() => res.destroy());
    });
    return mock;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async receive(req: IncomingMessage, res: ServerResponse, handler: MockHandler): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = req.url ?? '/';
    const raw = Buffer.concat(chunks);
    const request: MockRequest = {
      method: req.method ?? '',
      url,
      path: new URL(url, 'https://mock').pathname,
      headers: req.headers,
      text: raw.toString('utf8'),
      raw,
    };
    this.log.push(request);
    await handler(request, res, req);
  }
}

/** Writes a JSON answer and records its status on the request. */
export function replyJson(request: MockRequest, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  request.status = status;
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Acts out a hang (never answers) or a drop (cuts the connection). */
export function actTransport(answer: TransportAnswer, req: IncomingMessage): void {
  if ('drop' in answer) req.socket.destroy();
}

/** Runs `act` now or after `delayMs`. */
export function later(delayMs: number | undefined, act: () => void): void {
  if (delayMs) setTimeout(act, delayMs);
  else act();
}

/**
 * The common half of the mocks served by one {@link HttpMockServer}: `url`, `ca`, the request log and
 * `stop()`. A mock adds its protocol in `handle` and starts with `HttpMock.serve((server) => new XMock(server))`.
 */
export abstract class HttpMock {
  protected readonly server: HttpMockServer;

  protected constructor(server: HttpMockServer) {
    this.server = server;
  }

  protected static async serve<M extends HttpMock>(make: (server: HttpMockServer) => M): Promise<M> {
    let mock: M | undefined;
    const server = await HttpMockServer.start((request, res, req) => mock?.handle(request, res, req));
    mock = make(server);
    return mock;
  }

  get url(): string {
    return this.server.url;
  }

  get ca(): string {
    return this.server.ca;
  }

  /** Every request, in arrival order. */
  get requests(): MockRequest[] {
    return this.server.log;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  protected abstract handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void | Promise<void>;
}
