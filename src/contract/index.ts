// The resource contract: the spec a construct renders and a hook reads back, and its validation rules.
export * from '../okta-api';
export * from '../common/env';
export * from './spec';
export * from './validate';
export * from './lookups';
