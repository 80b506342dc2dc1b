export * from './fleet.js';
export * from './zipf.js';
export * from './event-queue.js';
export * from './baselines.js';
export * from './china-android-fleet.js';
export * from './simulate.js';
export * from './recovery.js';
