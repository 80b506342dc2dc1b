export * from './gateway-error.js';
export * from './request-error.js';
