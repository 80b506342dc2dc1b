export * from './honor-classify.js';
export * from './honor-errors.js';
export * from './honor-options.js';
export * from './honor-payload.js';
export * from './honor-provider.js';
export * from './honor-token-source.js';
