/**
 * The CLI's dispatcher: parses argv with node's util.parseArgs and runs one command. Answers the exit
 * code, or 'serving' when the gateway was started and the process must keep running.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { devices, scores, send } from './api-commands.js';
import { checkConfig } from './check-config.js';
import { CliError, EXIT_OK, EXIT_USAGE, usageError, type CliIo } from './io.js';
import { serve } from './serve.js';
import { MAIN_USAGE, USAGE } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const help: Options = { help: { type: 'boolean', short: 'h' } };
const connection: Options = {
  url: { type: 'string' },
  key: { type: 'string' },
  app: { type: 'string' },
  json: { type: 'boolean' },
  ...help,
};

const OPTIONS: Record<string, Options> = {
  serve: { config: { type: 'string' }, ...help },
  'check-config': { config: { type: 'string' }, ...help },
  send: {
    ...connection,
    device: { type: 'string', multiple: true },
    user: { type: 'string', multiple: true },
    title: { type: 'string' },
    body: { type: 'string' },
    data: { type: 'string', multiple: true },
    priority: { type: 'string' },
    ttl: { type: 'string' },
    'idempotency-key': { type: 'string' },
    sms: { type: 'string' },
  },
  scores: { ...connection, platform: { type: 'string' }, brand: { type: 'string' }, model: { type: 'string' } },
  devices: { ...connection, device: { type: 'string' } },
};

/** Positionals each command takes after its name. */
const MAX_POSITIONALS: Record<string, number> = { serve: 0, 'check-config': 0, send: 0, scores: 0, devices: 2 };

export async function runCli(argv: readonly string[], io: CliIo): Promise<number | 'serving'> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(MAIN_USAGE);
    return EXIT_USAGE;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    io.stdout((topic ? USAGE[topic] : undefined) ?? MAIN_USAGE);
    return EXIT_OK;
  }
  const options = OPTIONS[command];
  if (!options) {
    io.stderr(`pushmux: unknown command "${command}"\n\n${MAIN_USAGE}`);
    return EXIT_USAGE;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE[command] ?? MAIN_USAGE);
      return EXIT_OK;
    }
    if (positionals.length > (MAX_POSITIONALS[command] ?? 0)) throw usageError(`unexpected argument "${positionals.at(-1)}"`);
    const v = values as Record<string, string | string[] | boolean | undefined>;
    const str = (name: string) => v[name] as string | undefined;
    const list = (name: string) => v[name] as string[] | undefined;
    const common = { url: str('url'), key: str('key'), app: str('app'), json: v.json === true };
    switch (command) {
      case 'serve':
        await serve({ ...io.env, configPath: str('config') ?? io.env.configPath });
        return 'serving';
      case 'check-config':
        return checkConfig(str('config'), io);
      case 'send':
        return await send({
          ...common, device: list('device'), user: list('user'), title: str('title'), body: str('body'),
          data: list('data'), priority: str('priority'), ttl: str('ttl'), idempotencyKey: str('idempotency-key'), sms: str('sms'),
        }, io);
      case 'scores':
        return await scores({ ...common, platform: str('platform'), brand: str('brand'), model: str('model') }, io);
      case 'devices':
        return await devices(positionals[0], positionals[1], { ...common, device: str('device') }, io);
      default:
        return EXIT_USAGE;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`pushmux ${command}: ${error.message}\n`);
      if (error.exitCode === EXIT_USAGE) io.stderr(`\n${USAGE[command] ?? MAIN_USAGE}`);
      return error.exitCode;
    }
    throw error;
  }
}
