export * from './oppo-classify.js';
export * from './oppo-client.js';
export * from './oppo-errors.js';
export * from './oppo-options.js';
export * from './oppo-payload.js';
export * from './oppo-provider.js';
