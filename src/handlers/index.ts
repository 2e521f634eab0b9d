export * from './aerial-org';
export * from './connections';
export * from './context';
export * from './dispatch';
export * from './org-ref';
export * from './principal-rate-limit';
export * from './product-assignment';
