/**
 * Every Redis key the gateway's stores use, built in one place. All keys of one app share the hash tag
 * `{prefix:app}`, so each multi-key script or transaction touches one Redis Cluster slot.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  private tag(app: string): string {
    return `{${this.prefix}:${app}}`;
  }

  device(app: string, id: string): string {
    return `${this.tag(app)}:dev:${id}`;
  }

  /** Set of registered device ids: lets accept check many recipients in one command. */
  deviceIndex(app: string): string {
    return `${this.tag(app)}:devices`;
  }

  user(app: string, userId: string): string {
    return `${this.tag(app)}:user:${userId}`;
  }

  notification(app: string, id: string): string {
    return `${this.tag(app)}:n:${id}`;
  }

  deliveries(app: string, id: string): string {
    return `${this.tag(app)}:d:${id}`;
  }

  idempotency(app: string, key: string): string {
    return `${this.tag(app)}:idem:${key}`;
  }

  deadlines(app: string): string {
    return `${this.tag(app)}:deadlines`;
  }

  deadlinesLeased(app: string): string {
    return `${this.tag(app)}:deadlines:leased`;
  }

  jobs(app: string): string {
    return `${this.tag(app)}:jobs`;
  }
}

export const JOB_GROUP = 'workers';
