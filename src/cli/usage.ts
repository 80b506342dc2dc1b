/** Usage text of the CLI and of each command. */
export const MAIN_USAGE = `Usage: pushmux <command> [options]

Commands:
  serve          run the gateway (the same as \`npm start\`)
  send           send a notification to devices or users
  scores         show what pushmux has learned per device class and provider
  devices        read or remove a device
  check-config   validate a config file without starting the gateway

Run \`pushmux <command> --help\` for a command's options.

Commands that call a gateway use --url (or PUSHMUX_URL, default http://127.0.0.1:8080)
and the app's API key from PUSHMUX_KEY (or --key; the environment keeps it out of shell history).

Exit codes: 0 done, 1 the gateway refused or could not be reached, 2 bad usage or an invalid config.
`;

const CONNECTION = `  --url URL          gateway base URL (default: PUSHMUX_URL, else http://127.0.0.1:8080)
  --key KEY          API key (default: PUSHMUX_KEY; prefer the variable)
  --json             print the gateway's JSON answer instead of text
  -h, --help         this text`;

export const USAGE: Record<string, string> = {
  serve: `Usage: pushmux serve [--config FILE]

Runs the gateway: the config from --config or PUSHMUX_CONFIG (else the embedded default),
PORT, HOST, REDIS_URL, PUSHMUX_LOG_LEVEL and PUSHMUX_DEMO_KEY as in the README. SIGTERM/SIGINT stop it
gracefully.

  --config FILE      YAML config file (overrides PUSHMUX_CONFIG)
  -h, --help         this text
`,
  send: `Usage: pushmux send --app APP (--device ID ... | --user ID ...) [options]

Sends one notification (POST /v1/apps/APP/notifications; needs the send scope) and prints its id.

  --app APP          the app id
  --device ID        a device id (repeat for several)
  --user ID          a user id: all of the user's devices (repeat for several)
  --title TEXT       title
  --body TEXT        body
  --data KEY=VALUE   a data field (repeat for several)
  --priority P       high or normal
  --ttl SECONDS      time to live
  --idempotency-key K  the same key twice sends once
  --sms TEXT         SMS text, for the last step of the plan
${CONNECTION}
`,
  scores: `Usage: pushmux scores --app APP [--platform P] [--brand B] [--model M]

Prints the scoring table (GET /v1/apps/APP/scores; needs the send scope): per device class and
provider, the estimated delivery probability, its 95% interval, effective samples and ack latency.

  --app APP          the app id
  --platform P       ios, android or web
  --brand B          e.g. xiaomi
  --model M          e.g. "redmi note 12"
${CONNECTION}
`,
  devices: `Usage: pushmux devices get --app APP --device ID
       pushmux devices delete --app APP --device ID

Reads or removes a device (needs the devices scope). The device's key is never shown.

  --app APP          the app id
  --device ID        the device id (or give it after get/delete)
${CONNECTION}
`,
  'check-config': `Usage: pushmux check-config [--config FILE]

Validates a config file with the gateway's own loader (the same \${NAME} references and PORT, HOST,
REDIS_URL overrides) and prints "ok" and a summary, or the problem and its fix (exit code 2).
Secrets (API keys, provider credentials, Redis passwords) are never printed.

  --config FILE      YAML config file (default: PUSHMUX_CONFIG, else the embedded default)
  -h, --help         this text
`,
};
