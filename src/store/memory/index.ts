import type { Stores } from '../ports.js';
import { MemoryDeadlineStore } from './memory-deadline-store.js';
import { MemoryDeviceStore } from './memory-device-store.js';
import { MemoryJobQueue } from './memory-job-queue.js';
import { MemoryNotificationStore } from './memory-notification-store.js';

export * from './memory-deadline-store.js';
export * from './memory-device-store.js';
export * from './memory-job-queue.js';
export * from './memory-notification-store.js';

/** The embedded default's stores: one process, nothing survives a restart. */
export function createMemoryStores(now: () => number = Date.now): Stores {
  const queue = new MemoryJobQueue(now);
  const devices = new MemoryDeviceStore();
  const deadlines = new MemoryDeadlineStore();
  return {
    kind: 'memory',
    devices,
    notifications: new MemoryNotificationStore(queue, devices, now, deadlines),
    queue,
    deadlines,
    health: { async ping() {}, async close() { queue.wakeAll(); } },
  };
}
