// @ts-check
'use strict';
/**
 * The multi-org example: one Aerial account with four orgs (statuses, product sets) and principal rate
 * limits in two of them. Plain CommonJS so `node examples/multi-org/main.js` runs it after `npm run build`
 * with no TypeScript runner; the shape of `options` is in stack.d.ts.
 */
const { loadCdk, loadLibrary, requireEnv } = require('../shared');

const { TerraformStack } = loadCdk();

const { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } = loadLibrary();

/** The environment variables the example reads (the emulator's `credentials` command prints them all). */
const REQUIRED_ENV = [
  'OKTA_AERIAL_ACCOUNT_ID',
  'OKTA_AERIAL_BASE_URL',
  'OKTA_AERIAL_TOKEN_URL',
  'OKTA_AERIAL_CLIENT_ID',
  'OKTA_ORG_URL_ACME_PROD',
  'OKTA_ORG_URL_ACME_DEV',
];

/** The orgs of the example, by construct id. */
const ORGS = {
  AcmeProd: {
    orgId: '00oDemoAcmeProd00001',
    status: 'ACTIVE',
    productIds: ['P000052', 'P000131', 'P000139'],
  },
  AcmeDev: { orgId: '00oDemoAcmeDev000001', status: 'ACTIVE', productIds: ['P000052', 'P000131'] },
  AcmeEu: { domain: 'acme-eu.okta.com', cell: 'eu1', status: 'ACTIVE', productIds: ['P000052'] },
  AcmeStage: { orgId: '00oDemoAcmeStage0001', status: 'INACTIVE', productIds: [] },
};

/** The principal rate limits of the example, by construct id. */
const RATE_LIMITS = {
  // An API token used by CI: a small share so a runaway pipeline cannot starve the org.
  AcmeProdCiToken: {
    org: 'AcmeProdApi',
    principalId: '00TDemoCiToken000001',
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 30,
    defaultConcurrencyPercentage: 20,
  },
  // An OAuth service app that syncs users.
  AcmeProdSyncApp: {
    org: 'AcmeProdApi',
    principalId: '0oaDemoSyncApp000001',
    principalType: 'OAUTH_CLIENT',
    defaultPercentage: 40,
    defaultConcurrencyPercentage: 40,
  },
  // This token already has a rate-limit entity in Okta (50/50): apply adopts it and changes it.
  AcmeProdOpsToken: {
    org: 'AcmeProdApi',
    principalId: '00TDemoOpsToken00001',
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 60,
    defaultConcurrencyPercentage: 50,
  },
  AcmeDevCiToken: {
    org: 'AcmeDevApi',
    principalId: '00TDemoCiToken000001',
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 50,
    defaultConcurrencyPercentage: 50,
  },
};

/**
 * Builds the multi-org stack into `app`.
 * @param {import('constructs').Construct} app
 * @param {string} [id]
 * @param {import('./stack').MultiOrgOptions} [options]
 * @returns {TerraformStack}
 */
function buildMultiOrgStack(app, id = 'multi-org', options = {}) {
  const env = requireEnv(options.env ?? process.env, REQUIRED_ENV, 'the multi-org example');
  const omit = new Set(options.omit ?? []);
  const removalPolicy = options.removalPolicy ?? 'RETAIN';
  const stack = new TerraformStack(app, id);

  const account = new AerialAccount(stack, 'Account', {
    accountId: env.OKTA_AERIAL_ACCOUNT_ID,
    environment: 'production',
    baseUrl: env.OKTA_AERIAL_BASE_URL,
    tokenUrl: env.OKTA_AERIAL_TOKEN_URL,
    clientId: env.OKTA_AERIAL_CLIENT_ID,
    // The key itself stays in the environment: only these names reach cdktf.out and the state.
    privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
    keyIdEnv: 'OKTA_AERIAL_KEY_ID',
    rendering: options.rendering,
    hookCommand: options.hookCommand,
  });

  for (const [name, org] of Object.entries(ORGS)) {
    if (omit.has(name)) continue;
    const ref =
      options.orgs?.[name] ??
      ('orgId' in org ? { orgId: org.orgId } : { domain: org.domain, cell: org.cell });
    const aerialOrg = new AerialOrg(stack, name, {
      account,
      ...ref,
      status: options.statuses?.[name] ?? org.status,
      removalPolicy,
    });
    if (omit.has(`${name}Products`)) continue;
    new ProductAssignment(stack, `${name}Products`, {
      org: aerialOrg,
      productIds: options.products?.[name] ?? org.productIds,
      removalPolicy,
    });
  }

  const orgApis = {
    AcmeProdApi: new OktaOrg(stack, 'AcmeProdApi', {
      orgUrl: env.OKTA_ORG_URL_ACME_PROD,
      apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
      rendering: options.rendering,
      hookCommand: options.hookCommand,
    }),
    AcmeDevApi: new OktaOrg(stack, 'AcmeDevApi', {
      orgUrl: env.OKTA_ORG_URL_ACME_DEV,
      apiTokenEnv: 'OKTA_API_TOKEN_ACME_DEV',
      rendering: options.rendering,
      hookCommand: options.hookCommand,
    }),
  };
  for (const [name, limit] of Object.entries(RATE_LIMITS)) {
    if (omit.has(name)) continue;
    new PrincipalRateLimit(stack, name, {
      org: orgApis[/** @type {keyof typeof orgApis} */ (limit.org)],
      principalId: limit.principalId,
      principalType: /** @type {'SSWS_TOKEN' | 'OAUTH_CLIENT'} */ (limit.principalType),
      defaultPercentage: limit.defaultPercentage,
      defaultConcurrencyPercentage: limit.defaultConcurrencyPercentage,
      ...options.rateLimits?.[name],
      removalPolicy,
    });
  }
  return stack;
}

/**
 * Synth-time knobs from the environment, so end-to-end tests can vary a `cdktf deploy` of this app:
 * OKTA_AERIAL_EXAMPLE_OPTIONS holds a JSON object of MultiOrgOptions (without env).
 * @param {NodeJS.ProcessEnv} env
 * @returns {import('./stack').MultiOrgOptions}
 */
function optionsFromEnv(env) {
  const raw = env.OKTA_AERIAL_EXAMPLE_OPTIONS;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed;
  } catch (err) {
    throw new Error(
      `OKTA_AERIAL_EXAMPLE_OPTIONS is not a JSON object (${/** @type {Error} */ (err).message}); ` +
        `e.g. '{"removalPolicy":"DESTROY","products":{"AcmeDev":["P000052"]}}'`,
    );
  }
}

module.exports = { buildMultiOrgStack, optionsFromEnv, ORGS, RATE_LIMITS, REQUIRED_ENV };
