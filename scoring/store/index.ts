export * from './scoring-store.js';
export * from './memory-scoring-store.js';
export * from './redis-scoring-store.js';
export * from './scoring-keys.js';
export * from './script-loader.js';
export * from './script-runner.js';
export * from './scoring-scripts.js';
