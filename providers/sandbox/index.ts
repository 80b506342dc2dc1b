export * from './device-match.js';
export * from './sandbox-provider.js';
