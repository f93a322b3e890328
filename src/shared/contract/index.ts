export * from './api.ts';
export * from './common.ts';
export * from './electron-bridge.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './requests/index.ts';
export * from './version.ts';
export * from './wire.ts';
