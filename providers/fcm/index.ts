export * from './fcm-agent.js';
export * from './fcm-classify.js';
export * from './fcm-credential.js';
export * from './fcm-errors.js';
export * from './fcm-message.js';
export * from './fcm-options.js';
export * from './fcm-provider.js';
