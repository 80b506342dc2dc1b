import { createPrivateKey } from 'node:crypto';
import { OptionReader } from '../resilience/option-reader.js';

export const FCM_DEFAULT_ENDPOINT = 'https://fcm.googleapis.com';
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The fields of a Google service-account JSON that pushmux uses. */
export interface ServiceAccount {
  clientEmail: string;
  /** PEM. Secret: never logged. */
  privateKey: string;
  privateKeyId?: string | undefined;
  projectId?: string | undefined;
  tokenUri?: string | undefined;
}

/** Validated FCM settings of one app. */
export interface FcmSettings {
  projectId: string;
  serviceAccount: ServiceAccount;
  /** Origin of the FCM v1 API (the SDK's host is redirected here). */
  endpoint: URL;
  /** OAuth token endpoint; default the service account's `token_uri`. */
  tokenUri: URL;
  ca?: string | undefined;
  timeoutMs: number;
  /** Sockets to the FCM endpoint (HTTP/1.1 keep-alive). */
  maxSockets: number;
}

function parseServiceAccount(reader: OptionReader): { account: Record<string, unknown>; field: string } {
  const inline = reader.raw('serviceAccount');
  if (typeof inline === 'object' && inline !== null && !Array.isArray(inline)) {
    if (reader.has('serviceAccountFile')) {
      reader.fail('serviceAccountFile', 'is given together with serviceAccount', 'keep only one of serviceAccount and serviceAccountFile');
    }
    return { account: inline as Record<string, unknown>, field: 'serviceAccount' };
  }
  const text = reader.inlineOrFile('serviceAccount', 'serviceAccountFile', 'service account JSON');
  const field = reader.has('serviceAccount') ? 'serviceAccount' : 'serviceAccountFile';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    reader.fail(field, 'is not valid JSON', 'use the JSON key file downloaded from the Google Cloud console, unchanged');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    reader.fail(field, 'is not a JSON object', 'use the JSON key file downloaded from the Google Cloud console');
  }
  return { account: parsed as Record<string, unknown>, field };
}

/**
 * Reads and checks an app's `providers.fcm` block: `serviceAccount` (object or JSON text, e.g. from an
 * env variable substituted by the config loader) or `serviceAccountFile`; `projectId` (default the
 * service account's `project_id`); optional `endpoint`, `tokenUri`, `ca` / `caFile`, `timeoutMs`
 * (default 10,000), `maxSockets` (default 64). Throws ConfigError naming the field.
 */
export function readFcmSettings(options: Record<string, unknown>, basePath: string): FcmSettings {
  const reader: OptionReader = new OptionReader(options, basePath);
  const { account, field } = parseServiceAccount(reader);
  const text = (key: string): string | undefined => (typeof account[key] === 'string' && account[key] !== '' ? (account[key] as string) : undefined);
  const clientEmail = text('client_email');
  const privateKey = text('private_key');
  if (clientEmail === undefined || privateKey === undefined) {
    reader.fail(field, 'lacks client_email or private_key', 'use a service account key file (type "service_account")');
  }
  try {
    if (createPrivateKey(privateKey).asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    reader.fail(field, 'has a private_key that is not an RSA key in PEM form', 'download a fresh JSON key for the service account');
  }
  const projectId = reader.optionalString('projectId') ?? text('project_id');
  if (projectId === undefined) reader.fail('projectId', 'is required (the service account has no project_id)', 'set projectId to the Firebase project id');
  const tokenUri = reader.optionalUrl('tokenUri') ?? new URL(text('token_uri') ?? GOOGLE_TOKEN_URI);
  return {
    projectId,
    serviceAccount: { clientEmail, privateKey, privateKeyId: text('private_key_id'), projectId: text('project_id'), tokenUri: text('token_uri') },
    endpoint: reader.optionalUrl('endpoint') ?? new URL(FCM_DEFAULT_ENDPOINT),
    tokenUri,
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    maxSockets: reader.optionalInteger('maxSockets', 1, 4_096) ?? 64,
  };
}
