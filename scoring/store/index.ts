export * from './scoring-store.js';
export * from './memory-scoring-store.js';
