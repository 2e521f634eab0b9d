export * from './aerial-account';
export * from './aerial-org';
export * from './okta-org';
export * from './principal-rate-limit';
export * from './product-assignment';
export { HOOK_COMMAND_CONTEXT_KEY, RENDERINGS, type Rendering } from './lifecycle';
