export * from './backoff.js';
export * from './delivery-worker.js';
export * from './planner.js';
export * from './provider-registry.js';
export * from './ranker.js';
export * from './accept-service.js';
export * from './notification-status.js';
