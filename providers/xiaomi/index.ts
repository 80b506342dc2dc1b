export * from './xiaomi-classify.js';
export * from './xiaomi-errors.js';
export * from './xiaomi-options.js';
export * from './xiaomi-payload.js';
export * from './xiaomi-provider.js';
