/**
 * Every Prometheus metric the gateway exports, declared in one place (STYLE.md §6). Other modules call
 * the typed methods; only this file touches prom-client. Labels stay low-cardinality: app, provider,
 * outcome, state, route — never device or notification ids.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueStats } from '../store/ports.js';
import { SeriesHistogram, type HistogramSeries } from './series-histogram.js';

export type QueueStatsSource = () => Promise<Map<string, QueueStats>>;

export class GatewayMetrics {
  readonly registry = new Registry();

  /**
   * Accepts per app not yet added to the two counters below: a plain increment per request, added to
   * the counters by their collect() (run whenever they are read, e.g. every scrape), so every read
   * sees exact totals without prom-client's label hashing on the hot path.
   */
  private readonly pendingAccepted = new Map<string, { notifications: number; recipients: number }>();

  private readonly notificationsAccepted: Counter<'app'> = new Counter({
    name: 'pushmux_notifications_accepted_total',
    help: 'Notifications accepted (answered 202 and durably stored).',
    labelNames: ['app'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [app, pending] of this.pendingAccepted) {
        if (pending.notifications > 0) this.notificationsAccepted.inc({ app }, pending.notifications);
        pending.notifications = 0;
      }
    },
  });

  private readonly recipientsAccepted: Counter<'app'> = new Counter({
    name: 'pushmux_recipients_accepted_total',
    help: 'Device deliveries queued by accepted notifications.',
    labelNames: ['app'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [app, pending] of this.pendingAccepted) {
        if (pending.recipients > 0) this.recipientsAccepted.inc({ app }, pending.recipients);
        pending.recipients = 0;
      }
    },
  });

  private readonly providerAttempts = new Counter({
    name: 'pushmux_provider_attempts_total',
    help: 'Send attempts to a provider, by classified outcome.',
    labelNames: ['app', 'provider', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly sendDuration = new Histogram({
    name: 'pushmux_provider_send_duration_seconds',
    help: 'Time a provider took to answer a send (one batch).',
    labelNames: ['app', 'provider'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly deliveries = new Counter({
    name: 'pushmux_deliveries_total',
    help: 'Device deliveries that reached a final state.',
    labelNames: ['app', 'state'] as const,
    registers: [this.registry],
  });

  private readonly invalidTokens = new Counter({
    name: 'pushmux_invalid_tokens_total',
    help: 'Tokens a provider reported invalid and the gateway removed.',
    labelNames: ['app', 'provider'] as const,
    registers: [this.registry],
  });

  private readonly circuitState = new Gauge({
    name: 'pushmux_provider_circuit_open',
    help: '1 while the circuit breaker of an app/provider is open (provider skipped), else 0.',
    labelNames: ['app', 'provider'] as const,
    registers: [this.registry],
  });

  private readonly escalations = new Counter({
    name: 'pushmux_escalations_total',
    help: 'Moves from one plan step to the next (to="exhausted" when the plan ran out).',
    labelNames: ['app', 'from', 'to'] as const,
    registers: [this.registry],
  });

  private readonly deadlinesExpired = new Counter({
    name: 'pushmux_deadlines_expired_total',
    help: 'Steps whose ack deadline passed without an ack, by the channel that was waited for.',
    labelNames: ['app', 'provider'] as const,
    registers: [this.registry],
  });

  private readonly deadlinesDeferred = new Counter({
    name: 'pushmux_deadlines_deferred_total',
    help: 'Ack deadlines found long after they fell due (no instance was sweeping): given outageGraceMs more, not scored as failures.',
    labelNames: ['app', 'provider'] as const,
    registers: [this.registry],
  });

  private readonly acks = new Counter({
    name: 'pushmux_acks_total',
    help: 'Acknowledgements by source (device, or a provider receipt) and result (on_time, late, duplicate, ignored).',
    labelNames: ['app', 'source', 'result'] as const,
    registers: [this.registry],
  });

  private readonly ackLatency = new Histogram({
    name: 'pushmux_accept_to_ack_seconds',
    help: 'Time from accepting a notification to the ack of a device, by the channel that carried it.',
    labelNames: ['app', 'provider'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
    registers: [this.registry],
  });

  private readonly scoringOutcomes = new Counter({
    name: 'pushmux_scoring_outcomes_total',
    help: 'Outcomes the scoring engine learned from, per brand (never per model) and provider.',
    labelNames: ['app', 'platform', 'brand', 'provider', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new SeriesHistogram({
    name: 'pushmux_http_request_duration_seconds',
    help: 'HTTP API request durations by route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private queueStatsSource: QueueStatsSource | undefined;

  // The HTTP histogram's series by method, status and route (all low-cardinality), found with one
  // string key per request.
  private readonly httpSeries = new Map<string, HistogramSeries>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'pushmux_' });
    // Queue gauges are read from the store at scrape time, so every instance reports the shared queue.
    const metrics = this;
    let depth: Gauge<'app'> | undefined;
    // Registered first so its collect (which reads the store once for both gauges) runs before depth renders.
    new Gauge({
      name: 'pushmux_queue_oldest_job_age_seconds',
      help: 'Age of the oldest delivery job not yet finished.',
      labelNames: ['app'] as const,
      registers: [this.registry],
      async collect() {
        const stats = (await metrics.queueStatsSource?.().catch(() => undefined)) ?? new Map<string, QueueStats>();
        for (const [app, s] of stats) {
          this.set({ app }, s.oldestAgeMs / 1000);
          depth?.set({ app }, s.depth);
        }
      },
    });
    depth = new Gauge({
      name: 'pushmux_queue_depth',
      help: 'Delivery jobs queued or in progress.',
      labelNames: ['app'] as const,
      registers: [this.registry],
    });
  }

  /** Where the queue gauges come from (set once the stores exist). */
  useQueueStats(source: QueueStatsSource): void {
    this.queueStatsSource = source;
  }

  accepted(app: string, recipients: number): void {
    let pending = this.pendingAccepted.get(app);
    if (!pending) {
      pending = { notifications: 0, recipients: 0 };
      this.pendingAccepted.set(app, pending);
    }
    pending.notifications += 1;
    pending.recipients += recipients;
  }

  attempt(app: string, provider: string, outcome: string, count = 1): void {
    this.providerAttempts.inc({ app, provider, outcome }, count);
  }

  sendLatency(app: string, provider: string, seconds: number): void {
    this.sendDuration.observe({ app, provider }, seconds);
  }

  deliveryFinished(app: string, state: string): void {
    this.deliveries.inc({ app, state });
  }

  invalidToken(app: string, provider: string): void {
    this.invalidTokens.inc({ app, provider });
  }

  escalation(app: string, from: string, to: string): void {
    this.escalations.inc({ app, from, to });
  }

  deadlineExpired(app: string, provider: string): void {
    this.deadlinesExpired.inc({ app, provider });
  }

  deadlineDeferred(app: string, provider: string): void {
    this.deadlinesDeferred.inc({ app, provider });
  }

  ack(app: string, source: string, result: 'on_time' | 'late' | 'duplicate' | 'ignored'): void {
    this.acks.inc({ app, source, result });
  }

  acceptToAck(app: string, provider: string, seconds: number): void {
    this.ackLatency.observe({ app, provider }, seconds);
  }

  scoringOutcome(app: string, platform: string, brand: string, provider: string, delivered: boolean): void {
    this.scoringOutcomes.inc({ app, platform, brand, provider, outcome: delivered ? 'delivered' : 'not_delivered' });
  }

  circuit(app: string, provider: string, open: boolean): void {
    this.circuitState.set({ app, provider }, open ? 1 : 0);
  }

  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let series = this.httpSeries.get(key);
    if (!series) {
      series = this.httpDuration.series({ method, route, status_code: String(statusCode) });
      this.httpSeries.set(key, series);
    }
    series.observe(seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
