/** Valid specs the unit tests start from and vary one value at a time. */
import type { AerialConnectionSpec } from '../../src/contract';

/** The demo production account's connection, as a construct renders it. */
export const ACCOUNT_SPEC: AerialConnectionSpec = {
  accountId: '0227demoaerialaccount000001',
  baseUrl: 'https://aerial-apac.okta.com',
  tokenUrl: 'https://acme-aerial.okta.com/oauth2/v1/token',
  clientId: '0oaDemoAerialClient01',
  privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
  keyIdEnv: 'OKTA_AERIAL_KEY_ID',
  dpop: false,
  maxConcurrency: 10,
  deadlineMs: 300000,
  environment: 'production',
  partnerAccount: false,
};
