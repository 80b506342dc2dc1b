/**
 * Every metric the Grafana dashboard and the Prometheus alert rules query exists in a running gateway's
 * /metrics. The gateway is built like testGateway's but with Node's process metrics and the long
 * connection on, as `pushmux serve` runs it (testGateway turns process metrics off).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildConfig } from '../../../src/config/index.js';
import { createConnect } from '../../../src/connect/index.js';
import { createGateway, type Gateway } from '../../../src/gateway.js';
import { auth, DEVICES_KEY, emptyEnv, SEND_KEY, testConfigObject } from '../../support/gateway.js';

const dashboard = JSON.parse(readFileSync('deploy/grafana/dashboards/pushmux.json', 'utf8')) as Dashboard;
const alerts = parseYaml(readFileSync('deploy/prometheus/alerts.yml', 'utf8')) as { groups: { name: string; rules: { alert: string; expr: string }[] }[] };

interface Panel { title?: string; type: string; targets?: { expr?: string }[]; panels?: Panel[] }
interface Dashboard { panels: Panel[]; templating: { list: { name: string; query: string | { query: string } }[] } }

/** Series Prometheus makes itself, not the gateway. */
const PROMETHEUS_SERIES = new Set(['up']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** Metric names a PromQL expression selects: identifiers left once labels, ranges, strings and grouping are removed, minus function calls. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\d+[smhdwy]/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || KEYWORDS.has(m[1]!)) continue;
    names.push(m[1]!);
  }
  return names;
}

function dashboardQueries(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) out.push({ where: `panel "${panel.title}"`, expr: target.expr });
      if (panel.panels) walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
    // label_values(metric, label): the metric is the first argument.
    const labelValues = /^label_values\(\s*([^,)]+)\s*,\s*\w+\s*\)$/.exec(query);
    out.push({ where: `variable $${variable.name}`, expr: labelValues ? labelValues[1]! : query });
  }
  return out;
}

let gw: Gateway;
let exported: Set<string>;

beforeAll(async () => {
  const { config } = buildConfig(testConfigObject(), emptyEnv);
  gw = await createGateway({ config, connect: createConnect, sandbox: () => ({}) });
  const url = (await gw.listen()).replace('0.0.0.0', '127.0.0.1');
  const put = await fetch(`${url}/v1/apps/shop/devices/d1`, {
    method: 'PUT', headers: { ...auth(DEVICES_KEY), 'content-type': 'application/json' },
    body: JSON.stringify({ platform: 'android', brand: 'xiaomi', tokens: { xiaomi: 'mi-1' } }),
  });
  expect(put.status).toBe(201);
  const sent = await fetch(`${url}/v1/apps/shop/notifications`, {
    method: 'POST', headers: { ...auth(SEND_KEY), 'content-type': 'application/json' },
    body: JSON.stringify({ to: { deviceIds: ['d1'] }, title: 'hello' }),
  });
  expect(sent.status).toBe(202);
  const text = await (await fetch(`${url}/metrics`)).text();
  exported = new Set<string>();
  // Every registered metric has a TYPE line, even before its first sample; histograms and summaries
  // are queried through their _bucket/_sum/_count series.
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    exported.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name! + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) exported.add(name! + suffix);
  }
  for (const [, sample] of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)) exported.add(sample!);
});
afterAll(() => gw?.close());

/** `name{label,...}` items of README.md's "Metrics" section, with the `pushmux_` prefix the section implies. */
export function readmeMetrics(readme: string): { name: string; labels: string[] }[] {
  const section = /^## Metrics\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/`([a-z][a-z0-9_]*[a-z0-9])(?:\{([a-z_,]+)\})?`/g)].map((m) => ({
    name: `pushmux_${m[1]!}`,
    labels: m[2] ? m[2].split(',') : [],
  }));
}

describe('metric name extraction', () => {
  it('finds selectors and skips functions, labels, grouping and keywords', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, provider) (rate(a_bucket{app=~"$app", x="y{z}"}[$__rate_interval])))')).toEqual(['a_bucket']);
    expect(metricNames('sum(rate(a[5m] offset 1h)) / sum(b) > 0.9 and on (app) c == 0')).toEqual(['a', 'b', 'c']);
    expect(metricNames('up{job="pushmux"} == 0')).toEqual(['up']);
  });
});

describe('the deploy kit queries only metrics the gateway exports', () => {
  it('has a gateway /metrics with the documented families', () => {
    for (const name of ['pushmux_notifications_accepted_total', 'pushmux_provider_circuit_open', 'pushmux_connections_open', 'pushmux_process_resident_memory_bytes']) {
      expect(exported.has(name), name).toBe(true);
    }
  });

  it('Grafana dashboard: every queried metric exists', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    for (const { where, expr } of queries) {
      const names = metricNames(expr);
      expect(names.length, `${where} queries no metric: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${where}: ${name} is not exported`).toBe(true);
    }
  });

  it('alert rules: every queried metric exists', () => {
    const rules = alerts.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining([
      'PushmuxDeliveryRateDrop', 'PushmuxQueueBacklog', 'PushmuxProviderCircuitOpen', 'PushmuxDeadlineExpiries',
    ]));
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length, `${rule.alert} queries no metric`).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name) || PROMETHEUS_SERIES.has(name), `${rule.alert}: ${name} is not exported`).toBe(true);
    }
  });
});

describe('README.md "Metrics"', () => {
  it('lists only metrics the gateway registers, each with labels it really has', () => {
    const listed = readmeMetrics(readFileSync('README.md', 'utf8'));
    expect(listed.length).toBeGreaterThan(15);
    // prom-client keeps each metric's label names on the instance (not in its public types).
    const labelNames = new Map(gw.metrics.registry.getMetricsAsArray()
      .map((m) => [m.name, (m as unknown as { labelNames?: readonly string[] }).labelNames ?? []] as const));
    for (const { name, labels } of listed) {
      expect(labelNames.has(name), `README lists ${name}, which the gateway does not register`).toBe(true);
      for (const label of labels) expect(labelNames.get(name), `README gives ${name} a label ${label}`).toContain(label);
    }
  });

  it('lists every metric the gateway registers (Node process metrics aside)', () => {
    const listed = new Set(readmeMetrics(readFileSync('README.md', 'utf8')).map((m) => m.name));
    for (const metric of gw.metrics.registry.getMetricsAsArray()) {
      if (/^pushmux_(process_|nodejs_)/.test(metric.name)) continue;
      expect(listed.has(metric.name), `README misses ${metric.name}`).toBe(true);
    }
  });
});
