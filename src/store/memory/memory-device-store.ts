import type { DeviceStore } from '../ports.js';
import type { DeviceRecord } from '../records.js';

/**
 * Devices in process memory (embedded default). Records are copied and frozen on the way in and handed
 * out as they are: nobody can change a stored device except through the store.
 */
export class MemoryDeviceStore implements DeviceStore {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly byUser = new Map<string, Set<string>>();

  async put(app: string, device: DeviceRecord): Promise<void> {
    const key = `${app}/${device.id}`;
    const previous = this.devices.get(key);
    if (previous?.userId && previous.userId !== device.userId) this.byUser.get(`${app}/${previous.userId}`)?.delete(device.id);
    this.devices.set(key, Object.freeze({ ...device, tokens: Object.freeze({ ...device.tokens }) }));
    if (device.userId) {
      const userKey = `${app}/${device.userId}`;
      let ids = this.byUser.get(userKey);
      if (!ids) this.byUser.set(userKey, (ids = new Set()));
      ids.add(device.id);
    }
  }

  async get(app: string, id: string): Promise<DeviceRecord | undefined> {
    return this.devices.get(`${app}/${id}`);
  }

  async getMany(app: string, ids: readonly string[]): Promise<(DeviceRecord | undefined)[]> {
    return Promise.all(ids.map((id) => this.get(app, id)));
  }

  async delete(app: string, id: string): Promise<boolean> {
    const key = `${app}/${id}`;
    const found = this.devices.get(key);
    if (!found) return false;
    this.devices.delete(key);
    if (found.userId) this.byUser.get(`${app}/${found.userId}`)?.delete(id);
    return true;
  }

  async idsByUser(app: string, userId: string): Promise<string[]> {
    return [...(this.byUser.get(`${app}/${userId}`) ?? [])];
  }

  async exist(app: string, ids: readonly string[]): Promise<boolean[]> {
    return ids.map((id) => this.devices.has(`${app}/${id}`));
  }

  async removeToken(app: string, id: string, provider: string, token: string): Promise<boolean> {
    const key = `${app}/${id}`;
    const found = this.devices.get(key);
    if (!found || (found.tokens as Record<string, string>)[provider] !== token) return false;
    const tokens: Record<string, string> = { ...found.tokens };
    delete tokens[provider];
    this.devices.set(key, Object.freeze({ ...found, tokens: Object.freeze(tokens), updatedAt: Date.now() }));
    return true;
  }
}
