// The auth layer (re-exports only): signing keys and proofs, the SSWS and OAuth authorizers.
export { readSigningKey, signClientAssertion, DpopKey, type SigningKey } from './signing';
export { SswsAuthorizer, type Authorization, type Authorizer } from './authorizer';
export {
  OAuthAuthorizer,
  CONNECTION_SCOPES,
  type AuthEnvironment,
  type GrantAttempt,
  type GrantRequest,
  type GrantResponse,
  type OAuthCredentials,
  type SendGrant,
} from './oauth-authorizer';
