#!/usr/bin/env node
/** `npx pushmux …`: the CLI entry (package.json "bin"). Commands and options: src/cli/usage.ts. */
import { readEnvironment } from '../config/index.js';
import { runCli } from './run.js';
import { startFailed } from './serve.js';

const command = process.argv[2];
runCli(process.argv.slice(2), {
  env: readEnvironment(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    if (code !== 'serving') process.exitCode = code;
  },
  (error: unknown) => {
    if (command === 'serve') startFailed(error);
    process.stderr.write(`pushmux: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
