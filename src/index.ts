// Public API of cdktf-okta-aerial. Constructs are the product; spec types are shared with the hooks.
export * from './spec';
export * from './constructs';
