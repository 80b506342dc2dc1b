/**
 * Carries a message to the node that holds the device's socket. Absent in memory mode (one node).
 */
import type { PushMessage } from '../../providers/provider.js';

/** Handler of messages addressed to this node. */
export type NodeBusHandler = (app: string, deviceId: string, message: PushMessage) => void;

export interface NodeBus {
  /** Starts receiving messages addressed to this node for these apps. */
  start(apps: readonly string[], handler: NodeBusHandler): Promise<void>;
  /** Answers false when no node is listening on the target's channel (it died). */
  publish(nodeId: string, app: string, deviceId: string, message: PushMessage): Promise<boolean>;
  close(): Promise<void>;
}
