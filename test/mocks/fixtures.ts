import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Test-only key material shipped in `fixtures/` (see its README). Nothing here is a real credential.
 */

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

function read(name: string): string {
  return readFileSync(`${dir}${name}`, 'utf8');
}

/** Path of a fixture file, for options that take a file (`keyFile`, `caFile`, ...). */
export function fixturePath(name: 'mock-tls-cert.pem' | 'apns-test-key.p8' | 'fcm-test-key.pem'): string {
  return `${dir}${name}`;
}

/** TLS identity every mock serves: a self-signed certificate for localhost / 127.0.0.1 / ::1. */
export const MOCK_TLS = {
  key: read('mock-tls-key.pem'),
  cert: read('mock-tls-cert.pem'),
  /** What a client passes as `ca` to trust the mocks. */
  ca: read('mock-tls-cert.pem'),
} as const;

/** The APNs `.p8` test key (PKCS#8 PEM, P-256) and its public half, which the APNs mock checks JWTs with. */
export const APNS_TEST_KEY = {
  pem: read('apns-test-key.p8'),
  publicKey: createPublicKey(read('apns-test-key.p8')) as KeyObject,
  teamId: 'TEAM123456',
  keyId: 'KEY1234567',
  topic: 'com.example.shop',
} as const;

/** A service account in Google's JSON shape, with the RSA test key; `tokenUri` points at a mock. */
export function fcmServiceAccount(tokenUri: string, projectId = 'pushmux-test'): Record<string, string> {
  return {
    type: 'service_account',
    project_id: projectId,
    private_key_id: 'test-key-id',
    private_key: read('fcm-test-key.pem'),
    client_email: `pushmux@${projectId}.iam.gserviceaccount.com`,
    client_id: '1234567890',
    token_uri: tokenUri,
  };
}

/** Public half of the FCM test key, which the FCM mock's OAuth endpoint checks assertions with. */
export const FCM_TEST_PUBLIC_KEY: KeyObject = createPublicKey(read('fcm-test-key.pem'));
