/**
 * The routing port: orders the channels eligible for a device. The scoring engine implements it;
 * `ConfigOrderRanker` is the fallback that applies the config's rules and otherwise keeps config order.
 */
import { deviceMatches } from '../../providers/sandbox/device-match.js';
import type { GatewayConfig, RoutingRuleConfig } from '../config/index.js';

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

/** Applies matching rules (deny, allow, pin, prefer) in config order; no learning. */
export class ConfigOrderRanker implements Ranker {
  constructor(private readonly config: GatewayConfig) {}

  rank(app: string, cls: DeviceClass, eligible: readonly string[]): string[] {
    let out = [...eligible];
    for (const rule of this.rules(app, cls)) {
      if (rule.deny) out = out.filter((c) => !rule.deny?.includes(c));
      if (rule.allow) out = out.filter((c) => rule.allow?.includes(c));
      if (rule.pin) out = out.includes(rule.pin) ? [rule.pin] : [];
      if (rule.prefer) {
        const preferred = rule.prefer.filter((c) => out.includes(c));
        out = [...preferred, ...out.filter((c) => !preferred.includes(c))];
      }
    }
    return out;
  }

  effectiveRule(app: string, cls: DeviceClass): Pick<RoutingRuleConfig, 'deadlineMs'> | undefined {
    const withDeadline = this.rules(app, cls).filter((r) => r.deadlineMs !== undefined);
    return withDeadline.length > 0 ? { deadlineMs: withDeadline[withDeadline.length - 1]?.deadlineMs } : undefined;
  }

  private rules(app: string, cls: DeviceClass): RoutingRuleConfig[] {
    return (this.config.apps[app]?.rules ?? []).filter((rule) => deviceMatches(rule.match, cls));
  }
}
