export * from './vivo-classify.js';
export * from './vivo-client.js';
export * from './vivo-errors.js';
export * from './vivo-options.js';
export * from './vivo-payload.js';
export * from './vivo-provider.js';
