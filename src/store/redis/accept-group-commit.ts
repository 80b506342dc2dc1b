/**
 * Group commit of accepts: the accepts of one event-loop turn (concurrent API requests, or a batch
 * request's notifications) go to Redis as one script call per app instead of one each. Redis and the
 * client then pay the per-command cost (parsing, the script call, the client's command and promise
 * machinery, the socket write and read) once per turn, which is most of what an accept costs beyond
 * the data itself. Each caller still gets its own answer only once the whole call is stored: a 202
 * keeps meaning "durably stored". Groups go out as they close, each while earlier ones are still in
 * flight (the client sends these scripts outside its auto-pipelining, see redis-scripts.ts).
 */
import type { AcceptOptions, AcceptResult } from '../ports.js';
import type { NotificationRecord } from '../records.js';
import { guard } from './guard.js';
import type { RedisKeys } from './redis-keys.js';
import type { StoreScripts } from './redis-scripts.js';

/** Accepts per script call at most: bounds how long one call holds Redis (a batch request has 1,000). */
const MAX_GROUP = 64;

interface PendingAccept {
  notification: NotificationRecord;
  doc: string;
  resolve: (result: AcceptResult) => void;
  reject: (error: unknown) => void;
}

interface Group {
  app: string;
  options: AcceptOptions;
  items: PendingAccept[];
}

export class AcceptGroupCommit {
  /** Open groups by app and options (every key of an app is in one cluster slot). */
  private readonly open = new Map<string, Group>();

  constructor(
    private readonly keys: RedisKeys,
    private readonly scripts: StoreScripts,
  ) {}

  /** `doc`: the notification as stored (JSON, without its recipients). */
  accept(notification: NotificationRecord, doc: string, options: AcceptOptions): Promise<AcceptResult> {
    return new Promise((resolve, reject) => {
      const key = `${notification.app}|${options.idempotencyTtlSeconds}|${options.retentionSeconds}|${options.devicesPerJob}`;
      let group = this.open.get(key);
      if (!group) {
        group = { app: notification.app, options, items: [] };
        this.open.set(key, group);
        // After this turn's I/O callbacks: every request read in the same turn joins the group.
        setImmediate(() => this.close(key));
      }
      group.items.push({ notification, doc, resolve, reject });
      if (group.items.length >= MAX_GROUP) this.close(key);
    });
  }

  private close(key: string): void {
    const group = this.open.get(key);
    if (!group) return;
    this.open.delete(key);
    void this.commit(group);
  }

  private async commit({ app, options, items }: Group): Promise<void> {
    try {
      const answers = items.length === 1 ? [await this.one(app, items[0] as PendingAccept, options)] : await this.many(app, items, options);
      items.forEach((item, i) => item.resolve(decodeAccept(answers[i] as (string | number)[])));
    } catch (error) {
      for (const item of items) item.reject(error);
    }
  }

  private one(app: string, { notification, doc }: PendingAccept, options: AcceptOptions): Promise<(string | number)[]> {
    const { id, idempotencyKey } = notification;
    return guard('accept', () => this.scripts.accept(
      [this.keys.idempotency(app, idempotencyKey ?? '-'), this.keys.notification(app, id), this.keys.jobs(app), this.keys.deviceIndex(app)],
      [idempotencyKey ? '1' : '0', id, doc, options.idempotencyTtlSeconds, options.retentionSeconds, options.devicesPerJob, ...notification.deviceIds],
    ));
  }

  private async many(app: string, items: PendingAccept[], options: AcceptOptions): Promise<(string | number)[][]> {
    const keys = [this.keys.jobs(app), this.keys.deviceIndex(app)];
    const args: (string | number)[] = [options.idempotencyTtlSeconds, options.retentionSeconds, options.devicesPerJob];
    for (const { notification, doc } of items) {
      const { id, idempotencyKey } = notification;
      // An idempotency key is only named when there is one: most sends have none.
      keys.push(this.keys.notification(app, id));
      if (idempotencyKey) keys.push(this.keys.idempotency(app, idempotencyKey));
      args.push(idempotencyKey ? '1' : '0', id, doc, notification.deviceIds.length, ...notification.deviceIds);
    }
    const flat = await guard('accept', () => this.scripts.acceptMany(keys, args));
    // Each answer is preceded by its length (see lua/acceptMany-n.lua).
    const answers: (string | number)[][] = [];
    for (let at = 0; at < flat.length; ) {
      const length = Number(flat[at]);
      answers.push(flat.slice(at + 1, at + 1 + length));
      at += 1 + length;
    }
    if (answers.length !== items.length) throw new Error(`acceptMany answered ${answers.length} of ${items.length} accepts`);
    return answers;
  }
}

/** The accept script's answer (see lua/includes/acceptOne.lua). */
function decodeAccept(reply: (string | number)[]): AcceptResult {
  const code = reply[0];
  if (code === 1) return { status: 'duplicate', id: String(reply[1]), recipients: Number(reply[2]) };
  const unknown: string[] = [];
  for (let i = 3; i < reply.length; i++) unknown.push(String(reply[i]));
  if (code === 2) return { status: 'no-recipients', unknown };
  return { status: 'stored', id: String(reply[1]), recipients: Number(reply[2]), unknown };
}
