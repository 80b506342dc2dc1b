export * from './connect-keys.js';
export * from './connect-scripts.js';
export * from './redis-inbox.js';
export * from './redis-node-bus.js';
export * from './redis-presence.js';
