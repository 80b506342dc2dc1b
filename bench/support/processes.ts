/** Helpers the benchmarks share: start the gateway (or another server) as a process, wait for it, stop it. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer, type RedisServerHandle } from '../../test/support/redis-server.js';

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Spawns `node <nodeArgs> <script>` (JavaScript: compiled or plain) or `node --import tsx <script>`
 * (TypeScript) with env, and waits until GET <readyPath> answers.
 */
export async function startNodeProcess(script: string, env: Record<string, string>, readyPath = '/healthz', nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited early:\n${err}`);
    try {
      if ((await fetch(`${base}${readyPath}`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${script} did not start:\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Builds the gateway as `npm start` does and answers its entry point and the node flags `npm start`
 * gives it, so a benchmark measures what production runs: tsc's output (not the TypeScript loader's,
 * which wraps every function it defines) under the same V8 settings.
 */
export function buildGateway(): { entry: string; nodeArgs: string[] } {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { entry: 'dist/src/main.js', nodeArgs: gatewayNodeArgs() };
}

/** The flags of package.json's start script (`node <flags> dist/src/main.js`): one place says them. */
export function gatewayNodeArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * REDIS_URL when set, else a redis-server of the benchmark's own, durable as production runs it (AOF,
 * fsync every second, as deploy/ configures): a 202 is measured with the writes it costs.
 */
export async function benchRedis(): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, pid: undefined, stop: async () => undefined };
  const server: RedisServerHandle = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'everysec']);
  return server;
}

/** Writes a YAML config to a temp file and returns its path. */
export function writeTempConfig(yaml: string): string {
  const path = join(tmpdir(), `pushmux-bench-${process.pid}-${Date.now()}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/**
 * Where a load benchmark runs its processes: the server under test (the gateway, or the baseline in
 * its turn) on CPU 0 alone, the load generator (this process) and the benchmark's Redis on the other
 * CPUs. Left to the scheduler on a 2-core machine, Redis and the load generator sometimes run on the
 * server's CPU and sometimes not: identical gateway processes then measured 4-13% apart, run after
 * run. Apart, a server's throughput is what one core of it does, and Redis's work (its AOF rewrites
 * included) lands where a separate Redis host's would: off the gateway's CPU.
 * Off with BENCH_PIN=0, or when the machine has one CPU or no `taskset` (util-linux).
 */
export interface CpuPlacement {
  /** Pins a server under test to CPU 0 (all its threads). */
  server(pid: number | undefined): void;
  /** Pins a helper (the load generator, Redis) to the other CPUs. */
  helper(pid: number | undefined): void;
}

export function cpuPlacement(): CpuPlacement | undefined {
  const cpus = availableParallelism();
  if (process.env.BENCH_PIN === '0' || cpus < 2) return undefined;
  const pin = (list: string) => (pid: number | undefined) => {
    if (pid) execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', list, String(pid)], { stdio: 'ignore' });
  };
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { server: pin('0'), helper: pin(`1-${cpus - 1}`) };
}
