export * from './auth.js';
export * from './device-signature.js';
export * from './schemas.js';
export * from './server.js';
export * from './services.js';
