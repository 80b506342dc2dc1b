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
  /**
   * Where a paid last-resort channel (SMS) goes in `ranked` (a `rank` answer for the class): after the
   * providers expected to do at least as well as it, by expected utility (never a random draw).
   */
  lastResortIndex(app: string, cls: DeviceClass, ranked: readonly string[], channel: string): number;
  /**
   * Which of pushmux's own channels (long connection, SMS) the class's rule lets into the plan: only a
   * rule naming them moves them (a deny, or a pin on one); allow lists and provider pins choose among
   * providers. `own`: the own channels the delivery could use or has used. `pinned`: the rule pins an
   * own channel, so the plan takes no provider.
   */
  ownChannels(app: string, cls: DeviceClass, own: readonly string[]): { admitted: readonly string[]; pinned: boolean };
  /** The rule in force for the device class (deadlines and the like), if any. */
  effectiveRule(app: string, cls: DeviceClass): Pick<RoutingRuleConfig, 'deadlineMs' | 'pin'> | undefined;
}
