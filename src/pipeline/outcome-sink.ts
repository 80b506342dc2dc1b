/**
 * Where delivery outcomes go to be learned from (the scoring engine implements it). One call per
 * ack (delivered, with latency) or expired deadline (not delivered).
 */
import type { DeviceClass } from './ranker.js';

export interface DeliveryOutcome {
  delivered: boolean;
  latencyMs?: number;
}

export interface OutcomeSink {
  record(app: string, cls: DeviceClass, channel: string, outcome: DeliveryOutcome): void;
}

/** Learns nothing: used when no scoring engine is plugged in. */
export const IGNORE_OUTCOMES: OutcomeSink = { record() {} };
