export * from './answer-script.js';
export * from './apns-mock.js';
export * from './fcm-mock.js';
export * from './fixtures.js';
export * from './jpush-mock.js';
