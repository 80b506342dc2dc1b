/**
 * The routing port: orders the channels eligible for a device. The scoring engine implements it.
 */
import type { RoutingRuleConfig } from '../config/index.js';

export interface DeviceClass {
  platform: string;
  brand?: string;
  model?: string;
}

export interface Ranker {
  /** Eligible channels in the order to try them; channels a rule denies are left out. */
  rank(app: string, cls: DeviceClass, eligible: readonly string[]): string[];
  /** The rule in force for the device class (deadlines and the like), if any. */
  effectiveRule(app: string, cls: DeviceClass): Pick<RoutingRuleConfig, 'deadlineMs'> | undefined;
}
