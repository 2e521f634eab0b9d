// Public API of cdktf-okta-aerial: the constructs, their props, and the few values and types a stack uses.
// Everything else (the spec, the client, the handlers, the emulator) is internal and may change.
export * from './constructs';
export { ENV, RemovalPolicy, SpecValidationError } from './contract';
export type { AerialEnvironment, OrgStatus, PrincipalType } from './okta-api';
export {
  oktaDeclarations,
  type DeclaredOrg,
  type DeclaredProductAssignment,
  type DeclaredRateLimit,
  type OktaDeclarations,
} from './testing';
