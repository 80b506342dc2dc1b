export * from './webpush-classify.js';
export * from './webpush-options.js';
export * from './webpush-provider.js';
export * from './webpush-subscription.js';
