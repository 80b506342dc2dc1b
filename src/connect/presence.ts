/**
 * Presence: which node holds a device's live connection. A connection claims its device with a token
 * (`<nodeId>|<seq>`), refreshes it with every heartbeat, and releases it only if it still owns it, so a
 * device that moved to another node is never un-claimed by the connection it left behind.
 */
export interface PresenceEntry {
  app: string;
  deviceId: string;
  token: string;
}

export interface Presence {
  claim(entry: PresenceEntry): Promise<void>;
  /** Extends the entries' TTL; answers, per entry, false when another connection owns it now. */
  refresh(entries: readonly PresenceEntry[]): Promise<boolean[]>;
  /** Removes the entry if this token still owns it. */
  release(entry: PresenceEntry): Promise<void>;
  /** The node holding the device, if any node does. */
  nodeOf(app: string, deviceId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The presence token of a connection: the node id, then a per-node sequence. */
export function presenceToken(nodeId: string, seq: number): string {
  return `${nodeId}|${seq}`;
}

/** The node id inside a presence token. */
export function nodeOfToken(token: string): string {
  const bar = token.lastIndexOf('|');
  return bar < 0 ? token : token.slice(0, bar);
}

/**
 * One process, no Redis: the local connection registry already is the presence, so this keeps nothing
 * (the service looks locally before it asks presence).
 */
export class LocalPresence implements Presence {
  async claim(): Promise<void> {}
  async refresh(entries: readonly PresenceEntry[]): Promise<boolean[]> {
    return entries.map(() => true);
  }
  async release(): Promise<void> {}
  async nodeOf(): Promise<string | undefined> {
    return undefined;
  }
  async close(): Promise<void> {}
}
