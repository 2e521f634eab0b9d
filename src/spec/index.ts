export * from './api-types';
export * from './env';
export * from './spec';
export * from './validate';
