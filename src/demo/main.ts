/**
 * Entry point of `npm run demo` (see demo.ts). DEMO_SECONDS (default 120), DEMO_RATE (notifications/s,
 * default 20), DEMO_DEVICES (default 300); PORT, HOST and PUSHMUX_DEMO_KEY as for the gateway. Ctrl-C
 * ends it early, with the summary.
 */
import { readEnvironment } from '../config/index.js';
import { runDemo } from './demo.js';

const number = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
};

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

const env = readEnvironment();
runDemo({
  seconds: number(env.vars.DEMO_SECONDS, 120),
  ratePerSecond: number(env.vars.DEMO_RATE, 20),
  devices: Math.round(number(env.vars.DEMO_DEVICES, 300)),
  env,
  signal: stop.signal,
}).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`pushmux demo: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
