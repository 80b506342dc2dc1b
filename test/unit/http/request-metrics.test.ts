import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/metrics/index.js';

describe('per-request metrics', () => {
  it('counts accepts per app exactly at every read, never twice', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.accepted('shop', 3);
    metrics.accepted('shop', 3);
    metrics.accepted('other', 1);
    let body = (await metrics.render()).body;
    expect(body).toContain('pushmux_notifications_accepted_total{app="shop"} 2');
    expect(body).toContain('pushmux_recipients_accepted_total{app="shop"} 6');
    expect(body).toContain('pushmux_notifications_accepted_total{app="other"} 1');
    // A second read with nothing new changes nothing; new accepts add to the totals.
    expect((await metrics.render()).body).toContain('pushmux_notifications_accepted_total{app="shop"} 2');
    metrics.accepted('shop', 1);
    body = (await metrics.render()).body;
    expect(body).toContain('pushmux_notifications_accepted_total{app="shop"} 3');
    expect(body).toContain('pushmux_recipients_accepted_total{app="shop"} 7');
    const counter = await metrics.registry.getSingleMetric('pushmux_notifications_accepted_total')?.get();
    expect(counter?.values.find((v) => v.labels.app === 'shop')?.value).toBe(3);
  });

  it('observes request durations per method, route and status code', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.httpRequest('POST', '/v1/apps/:app/notifications', 202, 0.002);
    metrics.httpRequest('POST', '/v1/apps/:app/notifications', 202, 0.2);
    metrics.httpRequest('POST', '/v1/apps/:app/notifications', 401, 0.001);
    const body = (await metrics.render()).body;
    expect(body).toContain('pushmux_http_request_duration_seconds_count{method="POST",route="/v1/apps/:app/notifications",status_code="202"} 2');
    expect(body).toContain('pushmux_http_request_duration_seconds_bucket{le="0.0025",method="POST",route="/v1/apps/:app/notifications",status_code="202"} 1');
    expect(body).toContain('pushmux_http_request_duration_seconds_count{method="POST",route="/v1/apps/:app/notifications",status_code="401"} 1');
  });
});
