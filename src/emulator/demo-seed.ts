/** The built-in demo seed: two accounts (production and sandbox), their Aerial orgs and customer orgs. */
import { SCOPES } from '../okta-api';
import type { EmulatorSeed, SeedOrg } from './seed-schema';

/** Ids of the built-in demo seed (others hard-code them). */
export const DEMO = {
  accountId: '0227demoaerialaccount000001',
  sandboxAccountId: '0227demosandboxaccount00001',
  otherAccountId: '0227otheraerialaccount00001',
  aerialOrgId: '00oDemoAerialOrg0001',
  sandboxAerialOrgId: '00oDemoSbxAerialOrg1',
  aerialClientId: '0oaDemoAerialClient01',
  sandboxClientId: '0oaDemoSbxClient0001',
  readOnlyClientId: '0oaDemoReadOnly00001',
  orgClientId: '0oaDemoOrgAdmin00001',
  adminUserId: '00uDemoAdmin00000001',
} as const;

export const DEMO_PRODUCTS = [
  { id: 'P000052', name: 'IT Products - SSO' },
  { id: 'P000131', name: 'IT Products - MFA' },
  { id: 'P000139', name: 'IT Products - Lifecycle Management with 1 OIN App' },
  { id: 'P001113', name: 'IT Products - Identity Threat Protection' },
];

/** Principals, the SSWS token, the rate limit entity and the admin app every demo org has. */
function demoOrgExtras(): Pick<SeedOrg, 'principals' | 'apiTokens' | 'clients' | 'rateLimits'> {
  return {
    principals: [
      { id: '00TDemoCiToken000001', type: 'SSWS_TOKEN', name: 'CI token' },
      { id: '00TDemoOpsToken00001', type: 'SSWS_TOKEN', name: 'Ops token' },
      { id: '0oaDemoSyncApp000001', type: 'OAUTH_CLIENT', name: 'Sync app' },
      { id: '0oaDemoScimApp000001', type: 'OAUTH_CLIENT', name: 'SCIM app' },
    ],
    apiTokens: [{ principalId: '00TDemoCiToken000001', userId: DEMO.adminUserId }],
    clients: [
      {
        clientId: DEMO.orgClientId,
        scopes: [SCOPES.principalRateLimitsRead, SCOPES.principalRateLimitsManage],
        dpopBoundAccessTokens: false,
      },
    ],
    rateLimits: [
      {
        principalId: '00TDemoOpsToken00001',
        principalType: 'SSWS_TOKEN',
        defaultPercentage: 50,
        defaultConcurrencyPercentage: 50,
      },
    ],
  };
}

/**
 * The built-in demo seed used when no seed is given. Its service apps have "Require DPoP" turned off (as an
 * admin may), so a script with a plain Bearer token works against it; `--strict` makes every app require
 * DPoP, as an app created in Okta today does.
 */
export function demoSeed(): EmulatorSeed {
  const prod = DEMO.accountId;
  const sbx = DEMO.sandboxAccountId;
  const customer = (id: string, domain: string, cell: string, extra: Partial<SeedOrg> = {}): SeedOrg => ({
    id,
    domain,
    cell,
    name: domain.split('.')[0],
    contractAccountId: prod,
    consentAccountId: prod,
    createdDate: '2025-01-15T10:00:00.000Z',
    ...demoOrgExtras(),
    ...extra,
  });
  const manage = [SCOPES.accountsRead, SCOPES.accountsManage];
  return {
    accounts: [
      {
        id: prod,
        name: 'Acme Demo',
        environment: 'production',
        partner: false,
        aerialOrgId: DEMO.aerialOrgId,
        subscribedProducts: DEMO_PRODUCTS,
      },
      {
        id: sbx,
        name: 'Acme Sandbox',
        environment: 'sandbox',
        partner: false,
        aerialOrgId: DEMO.sandboxAerialOrgId,
        subscribedProducts: DEMO_PRODUCTS,
      },
    ],
    orgs: [
      {
        ...customer(DEMO.aerialOrgId, 'acme-aerial.okta.com', 'ok1', { name: 'Acme Aerial' }),
        createdDate: '2025-01-01T09:00:00.000Z',
        linkedAccountId: prod,
        clients: [
          ...demoOrgExtras().clients!,
          { clientId: DEMO.aerialClientId, scopes: manage, dpopBoundAccessTokens: false },
          { clientId: DEMO.readOnlyClientId, scopes: [SCOPES.accountsRead], dpopBoundAccessTokens: false },
        ],
      },
      {
        ...customer(DEMO.sandboxAerialOrgId, 'acme-sbx-aerial.okta.com', 'op3', {
          name: 'Acme Sandbox Aerial',
          contractAccountId: sbx,
          consentAccountId: sbx,
        }),
        createdDate: '2025-01-01T09:00:00.000Z',
        linkedAccountId: sbx,
        clients: [
          ...demoOrgExtras().clients!,
          { clientId: DEMO.sandboxClientId, scopes: manage, dpopBoundAccessTokens: false },
        ],
      },
      customer('00oDemoAcmeProd00001', 'acme-prod.okta.com', 'ok1'),
      customer('00oDemoAcmeDev000001', 'acme-dev.okta.com', 'ok1'),
      customer('00oDemoAcmeEu0000001', 'acme-eu.okta.com', 'eu1'),
      customer('00oDemoAcmeStage0001', 'acme-stage.okta.com', 'ok1'),
      customer('00oDemoNoConsent0001', 'acme-noconsent.okta.com', 'ok1', { consentAccountId: undefined }),
      customer('00oDemoOtherAcct0001', 'other-co.okta.com', 'ok1', {
        contractAccountId: DEMO.otherAccountId,
        consentAccountId: DEMO.otherAccountId,
        linkedAccountId: DEMO.otherAccountId,
      }),
      customer('00oDemoSbxOrg0000001', 'acme-sbx1.okta.com', 'op3', {
        contractAccountId: sbx,
        consentAccountId: sbx,
      }),
    ],
  };
}
