/**
 * Layer 5, auth, for every attempt, retries included: a missing or expiring token is fetched before the
 * attempt queues for a slot (so no slot waits for a token request); once it holds the slot, the attempt gets
 * the cached token, a freshly signed DPoP proof and Okta's retry headers. A token request's own attempts
 * each get a fresh client assertion (and DPoP proof) instead.
 */
import type { Authorizer, GrantAttempt } from '../auth';
import type { Layer } from './layer';

/** Layer: auth, before the slot. */
export function prepareToken(auth: Authorizer): Layer {
  return async (config, op, next) => {
    await auth.prepare(op.scope, op.name, op.remaining());
    return next(config);
  };
}

/** Layer: auth, in the slot. */
export function authorize(auth: Authorizer): Layer {
  return async (config, op, next) => {
    const a = await auth.authorize(op.method, config.url!, op.scope, op.name, op.remaining());
    op.token = a.token;
    for (const [k, v] of Object.entries(a.headers)) config.headers.set(k, v);
    if (op.retries > 0) {
      config.headers.set('X-Okta-Retry-For', op.firstRequestId ?? '');
      config.headers.set('X-Okta-Retry-Count', String(op.retries));
    }
    return next(config);
  };
}

/** Layer: auth of a token request. */
export function signGrant(sign: () => Promise<GrantAttempt>): Layer {
  return async (config, _op, next) => {
    const { form, headers } = await sign();
    config.data = new URLSearchParams(form).toString();
    for (const [k, v] of Object.entries(headers)) config.headers.set(k, v);
    return next(config);
  };
}
