import type { DeviceStore } from '../ports.js';
import type { DeviceRecord } from '../records.js';

/** Devices in process memory (embedded default). Records are copied in and out like a real store. */
export class MemoryDeviceStore implements DeviceStore {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly byUser = new Map<string, Set<string>>();

  async put(app: string, device: DeviceRecord): Promise<void> {
    const key = `${app}/${device.id}`;
    const previous = this.devices.get(key);
    if (previous?.userId && previous.userId !== device.userId) this.byUser.get(`${app}/${previous.userId}`)?.delete(device.id);
    this.devices.set(key, structuredClone(device));
    if (device.userId) {
      const userKey = `${app}/${device.userId}`;
      let ids = this.byUser.get(userKey);
      if (!ids) this.byUser.set(userKey, (ids = new Set()));
      ids.add(device.id);
    }
  }

  async get(app: string, id: string): Promise<DeviceRecord | undefined> {
    const found = this.devices.get(`${app}/${id}`);
    return found && structuredClone(found);
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
    const found = this.devices.get(`${app}/${id}`);
    const tokens = found?.tokens as Record<string, string> | undefined;
    if (!found || !tokens || tokens[provider] !== token) return false;
    delete tokens[provider];
    found.updatedAt = Date.now();
    return true;
  }
}
