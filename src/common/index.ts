// Facts shared by every layer: environment variable names, defaults, host rules.
export * from './defaults';
export * from './env';
export * from './net';
export * from './spec-json';
