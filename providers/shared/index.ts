export * from './cached-token.js';
export * from './oauth-token-source.js';
export * from './batch-send.js';
export * from './post-for-json.js';
export * from './provider-pool.js';
export * from './with-fresh-token.js';
