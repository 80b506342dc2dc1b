export * from './callback-secret.js';
export * from './huawei-receipt.js';
export * from './oppo-receipt.js';
export * from './receipt-errors.js';
export * from './receipt-event.js';
export * from './twilio-receipt.js';
export * from './vivo-receipt.js';
export * from './xiaomi-receipt.js';
