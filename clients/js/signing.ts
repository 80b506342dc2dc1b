/**
 * HMAC-SHA256 with WebCrypto (browsers and Node ≥ 20 alike): the connect token and ack signatures.
 * Must match the server's src/connect/connect-token.ts and src/http/device-signature.ts.
 */

async function hmacHex(key: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('pushmux: WebCrypto is not available (browsers need a secure context: https or localhost)');
  const cryptoKey = await subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await subtle.sign('HMAC', cryptoKey, encoder.encode(text)));
  let hex = '';
  for (const byte of mac) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * A connect token: `<deviceId>.<expiresAtMs>.<hex(HMAC-SHA256(deviceKey, "connect:<app>:<deviceId>:<expiresAtMs>"))>`.
 * Used for the WebSocket (`?token=`) and the inbox poll (`Authorization: Device <token>`).
 */
export async function signConnectToken(app: string, deviceId: string, deviceKey: string, expiresAtMs: number): Promise<string> {
  return `${deviceId}.${expiresAtMs}.${await hmacHex(deviceKey, `connect:${app}:${deviceId}:${expiresAtMs}`)}`;
}

/** The ack signature: hex(HMAC-SHA256(deviceKey, notificationId)). */
export async function signAck(deviceKey: string, notificationId: string): Promise<string> {
  return hmacHex(deviceKey, notificationId);
}
