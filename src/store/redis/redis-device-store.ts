import type { RedisClient } from './redis-client.js';
import type { DeviceStore } from '../ports.js';
import type { DeviceRecord } from '../records.js';
import { guard } from './guard.js';
import type { RedisKeys } from './redis-keys.js';
import type { StoreScripts } from './redis-scripts.js';

/** Devices as JSON strings, with a per-app id set and per-user sets for recipient resolution. */
export class RedisDeviceStore implements DeviceStore {
  constructor(private readonly client: RedisClient, private readonly keys: RedisKeys, private readonly scripts: StoreScripts) {}

  put(app: string, device: DeviceRecord): Promise<void> {
    return guard('device put', async () => {
      const key = this.keys.device(app, device.id);
      const previousRaw = await this.client.get(key);
      const previous = previousRaw ? (JSON.parse(previousRaw) as DeviceRecord) : undefined;
      const tx = this.client.multi().set(key, JSON.stringify(device)).sadd(this.keys.deviceIndex(app), device.id);
      if (previous?.userId && previous.userId !== device.userId) tx.srem(this.keys.user(app, previous.userId), device.id);
      if (device.userId) tx.sadd(this.keys.user(app, device.userId), device.id);
      await tx.exec();
    });
  }

  get(app: string, id: string): Promise<DeviceRecord | undefined> {
    return guard('device get', async () => {
      const raw = await this.client.get(this.keys.device(app, id));
      return raw ? (JSON.parse(raw) as DeviceRecord) : undefined;
    });
  }

  getMany(app: string, ids: readonly string[]): Promise<(DeviceRecord | undefined)[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return guard('device mget', async () => {
      const raws = await this.client.mget(ids.map((id) => this.keys.device(app, id)));
      return raws.map((raw) => (raw ? (JSON.parse(raw) as DeviceRecord) : undefined));
    });
  }

  delete(app: string, id: string): Promise<boolean> {
    return guard('device delete', async () => {
      const key = this.keys.device(app, id);
      const raw = await this.client.get(key);
      if (!raw) return false;
      const device = JSON.parse(raw) as DeviceRecord;
      const tx = this.client.multi().del(key).srem(this.keys.deviceIndex(app), id);
      if (device.userId) tx.srem(this.keys.user(app, device.userId), id);
      await tx.exec();
      return true;
    });
  }

  idsByUser(app: string, userId: string): Promise<string[]> {
    return guard('user devices', () => this.client.smembers(this.keys.user(app, userId)));
  }

  exist(app: string, ids: readonly string[]): Promise<boolean[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return guard('device exist', async () => {
      const flags = await this.client.smismember(this.keys.deviceIndex(app), ...ids);
      return flags.map((flag) => flag === 1);
    });
  }

  removeToken(app: string, id: string, provider: string, token: string): Promise<boolean> {
    return guard('remove token', () => this.scripts.removeToken(this.keys.device(app, id), provider, token, Date.now()));
  }
}
