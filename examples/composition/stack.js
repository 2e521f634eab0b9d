// @ts-check
'use strict';
/**
 * The composition example: a PrincipalRateLimit whose principal is created by another resource in the same
 * stack, so its id is only known at apply time. Terraform resolves the reference before the hook runs.
 *
 * With the Okta Terraform provider (`@cdktf/provider-okta`, whose binary cannot be downloaded here) the
 * stand-in below would be the real OAuth service app:
 *
 *   const { AppOauth } = require('@cdktf/provider-okta/lib/app-oauth');
 *   const syncApp = new AppOauth(stack, 'SyncApp', {
 *     label: 'User sync', type: 'service', grantTypes: ['client_credentials'], ...
 *   });
 *   new PrincipalRateLimit(stack, 'SyncAppLimit', { org, principalId: syncApp.clientId, principalType: 'OAUTH_CLIENT', ... });
 */
const { loadCdk, loadLibrary, requireEnv } = require('../shared');

const { DataResource, TerraformStack } = loadCdk();

const { OktaOrg, PrincipalRateLimit } = loadLibrary();

/** The environment variables the example reads. */
const REQUIRED_ENV = ['OKTA_ORG_URL_ACME_PROD', 'OKTA_ORG_CLIENT_ID'];

/**
 * Builds the composition stack into `app`.
 * @param {import('constructs').Construct} app
 * @param {string} [id]
 * @param {import('./stack').CompositionOptions} [options]
 * @returns {TerraformStack}
 */
function buildCompositionStack(app, id = 'composition', options = {}) {
  const env = requireEnv(options.env ?? process.env, REQUIRED_ENV, 'the composition example');
  const stack = new TerraformStack(app, id);

  // The org's management API through an OAuth service app: only env var NAMES are given for the key.
  const org = new OktaOrg(stack, 'AcmeProdApi', {
    orgUrl: env.OKTA_ORG_URL_ACME_PROD,
    oauth: {
      clientId: env.OKTA_ORG_CLIENT_ID,
      privateKeyEnv: 'OKTA_ORG_PRIVATE_KEY',
      keyIdEnv: 'OKTA_ORG_KEY_ID',
    },
    rendering: options.rendering,
    hookCommand: options.hookCommand,
  });

  // Stand-in for an okta_app_oauth: a built-in terraform_data whose output carries the app's client id.
  const syncApp = new DataResource(stack, 'SyncApp', {
    input: { clientId: options.syncAppClientId ?? '0oaDemoSyncApp000001' },
  });

  new PrincipalRateLimit(stack, 'SyncAppLimit', {
    org,
    principalId: syncApp.getStringAttribute('output.clientId'),
    principalType: 'OAUTH_CLIENT',
    defaultPercentage: 25,
    defaultConcurrencyPercentage: 25,
  });
  return stack;
}

module.exports = { buildCompositionStack, REQUIRED_ENV };
