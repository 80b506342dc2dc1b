export * from './backoff.js';
export * from './http-api.js';
export * from './pushmux-client.js';
export * from './seen-ids.js';
export * from './signing.js';
export * from './types.js';
