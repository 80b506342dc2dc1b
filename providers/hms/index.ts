export * from './hms-classify.js';
export * from './hms-errors.js';
export * from './hms-options.js';
export * from './hms-payload.js';
export * from './hms-provider.js';
export * from './hms-token-source.js';
