export * from './apns-classify.js';
export * from './apns-errors.js';
export * from './apns-options.js';
export * from './apns-payload.js';
export * from './apns-pool.js';
export * from './apns-provider.js';
