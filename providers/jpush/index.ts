export * from './jpush-classify.js';
export * from './jpush-client.js';
export * from './jpush-errors.js';
export * from './jpush-options.js';
export * from './jpush-payload.js';
export * from './jpush-provider.js';
export * from './jpush-rate-limit.js';
export * from './jpush-receipt-poller.js';
