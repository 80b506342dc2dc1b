/**
 * The deployment kit read the way its tools would: compose's mounts and build context exist, the
 * gateway configs (compose file, Kubernetes ConfigMap) pass the gateway's own loader, and the
 * Kubernetes objects refer to each other by the right names. No docker engine or cluster needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildConfig, loadConfig } from '../../../src/config/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML
type Doc = any;
const read = (path: string): Doc => parseYaml(readFileSync(path, 'utf8'));
/** `${NAME}` references in a YAML config's values (comments do not count). */
const envRefs = (yamlText: string) => [...new Set([...JSON.stringify(parseYaml(yamlText)).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))];

describe('docker-compose.yml', () => {
  const compose = read('deploy/docker-compose.yml');

  it('runs the gateway from the repository Dockerfile with Redis, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'grafana', 'prometheus', 'redis']);
    const build = compose.services.gateway.build;
    expect(existsSync(join(resolve('deploy', build.context), build.dockerfile))).toBe(true);
    expect(compose.services.gateway.environment.REDIS_URL).toBe('redis://redis:6379');
  });

  it('mounts only files and folders that exist', () => {
    for (const [name, service] of Object.entries<Doc>(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0]!;
        if (!source.startsWith('.')) continue; // a named volume
        expect(existsSync(resolve('deploy', source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('gives the gateway a config that the gateway loads', () => {
    const env = compose.services.gateway.environment;
    const mount = (compose.services.gateway.volumes as string[]).find((v) => v.endsWith(`:${env.PUSHMUX_CONFIG}:ro`))!;
    const file = resolve('deploy', mount.split(':')[0]!);
    const vars = Object.fromEntries(envRefs(readFileSync(file, 'utf8')).map((name) => [name, `${name.toLowerCase()}-0123456789abcdef`]));
    for (const name of Object.keys(vars)) expect(env, `compose passes ${name}`).toHaveProperty(name);
    const { config } = loadConfig({ configPath: file, vars });
    expect(Object.keys(config.apps)).toEqual(['demo']);
  });

  it('points Prometheus at the rules file it mounts, and Grafana at the dashboards folder', () => {
    const prometheus = read('deploy/prometheus/prometheus.yml');
    const mounts = (compose.services.prometheus.volumes as string[]).map((v) => v.split(':')[1]);
    for (const file of prometheus.rule_files) expect(mounts).toContain(file);
    expect(prometheus.scrape_configs.map((s: Doc) => s.job_name)).toContain('pushmux');
    const provider = read('deploy/grafana/provisioning/dashboards/pushmux.yml').providers[0];
    expect((compose.services.grafana.volumes as string[]).map((v) => v.split(':')[1])).toContain(provider.options.path);
    const datasource = read('deploy/grafana/provisioning/datasources/prometheus.yml').datasources[0];
    const dashboard = JSON.parse(readFileSync('deploy/grafana/dashboards/pushmux.json', 'utf8'));
    expect(JSON.stringify(dashboard)).toContain(`"uid":"${datasource.uid}"`);
  });
});

describe('kubernetes manifests', () => {
  const dir = 'deploy/kubernetes';
  const kustomization = read(join(dir, 'kustomization.yaml'));
  const objects: Doc[] = (kustomization.resources as string[]).map((file) => read(join(dir, file)));
  const byKind = (kind: string) => objects.find((o) => o.kind === kind);
  const deployment = byKind('Deployment');
  const container = deployment.spec.template.spec.containers[0];

  it('runs three replicas probed on /readyz (readiness) and /healthz (liveness)', () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const port = container.ports.find((p: Doc) => p.name === container.readinessProbe.httpGet.port);
    expect(port.containerPort).toBe(8080);
  });

  it('has a Service that selects the pods and a ConfigMap mounted where PUSHMUX_CONFIG points', () => {
    const service = byKind('Service');
    const labels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) expect(labels[k]).toBe(v);
    const configMap = byKind('ConfigMap');
    const volume = deployment.spec.template.spec.volumes.find((v: Doc) => v.configMap?.name === configMap.metadata.name);
    const mount = container.volumeMounts.find((m: Doc) => m.name === volume.name);
    const configPath = container.env.find((e: Doc) => e.name === 'PUSHMUX_CONFIG').value;
    expect(configPath).toBe(`${mount.mountPath}/${Object.keys(configMap.data)[0]}`);
  });

  it('takes every secret the config refers to, and REDIS_URL, from the Secret', () => {
    const configMap = byKind('ConfigMap');
    const text: string = Object.values<string>(configMap.data)[0]!;
    const secret = read(join(dir, 'secret.example.yaml'));
    const fromSecret = new Map<string, string>(container.env
      .filter((e: Doc) => e.valueFrom?.secretKeyRef)
      .map((e: Doc) => [e.name, e.valueFrom.secretKeyRef.name]));
    for (const name of [...envRefs(text), 'REDIS_URL']) {
      expect(fromSecret.get(name), `${name} from the Secret`).toBe(secret.metadata.name);
      expect(secret.stringData, `secret.example.yaml lists ${name}`).toHaveProperty(name);
    }
    // And the ConfigMap's config passes the gateway's loader with those variables set.
    const vars = Object.fromEntries(envRefs(text).map((name) => [name, `${name.toLowerCase()}-0123456789abcdef`]));
    const { config } = buildConfig(parseYaml(text), { vars, redisUrl: 'redis://redis:6379' });
    expect(config.redis.url).toBe('redis://redis:6379');
  });

  it('lists only files that exist and keeps the example Secret out of kustomize', () => {
    for (const file of kustomization.resources as string[]) expect(existsSync(join(dir, file))).toBe(true);
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    expect(existsSync(join(dir, 'REDIS.md'))).toBe(true);
  });
});

describe('the gateway command', () => {
  // package.json's start script is the one place that says how node runs the gateway (flags included);
  // the image, the Kubernetes Deployment and the benchmarks must run the same command.
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/);

  it('is the same in the Dockerfile, the Kubernetes Deployment and npm start', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(start);
    const deployment = read('deploy/kubernetes/deployment.yaml');
    expect(deployment.spec.template.spec.containers[0].args).toEqual(start);
  });

  it('gives node only flags it accepts', () => {
    const flags = start.filter((word) => word.startsWith('--'));
    expect(flags.length).toBeGreaterThan(0);
    const result = spawnSync(process.execPath, [...flags, '-e', '0']);
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
  });
});
