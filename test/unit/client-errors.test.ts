import { inspect } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import {
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  createOktaApiError,
  errorFromRecord,
  isNotFound,
  NetworkError,
  NotFoundError,
  OktaApiError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from '../../src/client/errors';
import { redact, secretFragments } from '../../src/client/log/redact';
import { makeLogger } from '../../src/client/log/debug-log';

const okta = (status: number, errorCode: string, errorSummary: string, causes: string[] = []) => ({
  status,
  body: {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: 'oaeABC123',
    errorCauses: causes.map((c) => ({ errorSummary: c })),
  },
});

describe('createOktaApiError', () => {
  it.each([
    [okta(404, 'E0000007', 'Not found: Resource not found: 00oX (Org)'), NotFoundError],
    [okta(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'), RateLimitError],
    [okta(401, 'E0000011', 'Invalid token provided'), AuthenticationError],
    [okta(403, 'E0000006', 'You do not have permission to perform the requested action'), AuthorizationError],
    [okta(400, 'E0000001', 'Api validation failed: defaultPercentage'), ValidationError],
    [okta(400, 'E0000001', 'Api validation failed: principalRateLimitMediated'), ConflictError],
    [okta(409, 'E0000195', 'Api validation failed due to conflict: x'), ConflictError],
    [okta(500, 'E0000009', 'Internal Server Error'), OktaApiError],
  ])('builds the right class for %j', (facts, Ctor) => {
    const err = createOktaApiError({ operation: 'getOrg 00oX', attempts: 3, service: 'aerial', ...facts });
    expect(err).toBeInstanceOf(Ctor);
    expect(err).toBeInstanceOf(OktaApiError);
    expect(err.name).toBe(Ctor.name);
  });

  it('says what was attempted, what Okta said, and what to do', () => {
    const err = createOktaApiError({
      operation: 'getOrg 00oX',
      attempts: 3,
      service: 'aerial',
      ...okta(404, 'E0000007', 'Not found: Resource not found: 00oX (Org)'),
    });
    expect(err.message).toBe(
      'getOrg 00oX failed after 3 attempts: 404 E0000007 Not found: Resource not found: 00oX (Org) (errorId oaeABC123). ' +
        'Check the id and the account id; the org may not be linked to this account, or the account may live in the other environment.',
    );
    expect(err).toMatchObject({
      status: 404,
      errorCode: 'E0000007',
      errorId: 'oaeABC123',
      operation: 'getOrg 00oX',
      attempts: 3,
      retryable: false,
    });
    expect(isNotFound(err)).toBe(true);
    expect(isNotFound(new Error('x'))).toBe(false);
  });

  it('gives the scope fix on 403 and the credential fix on 401', () => {
    const e403 = createOktaApiError({
      operation: 'setOrgStatus 00oX INACTIVE',
      attempts: 1,
      service: 'aerial',
      scope: 'okta.accounts.manage',
      authType: 'oauth',
      ...okta(403, 'E0000006', 'You do not have permission'),
    });
    expect(e403.message).toContain('Grant the scope okta.accounts.manage to the service app');
    const e401 = createOktaApiError({
      operation: 'getAccount a',
      attempts: 2,
      service: 'token',
      authType: 'oauth',
      status: 401,
      body: { error: 'invalid_client', error_description: 'The client_assertion signature is invalid.' },
    });
    expect(e401).toBeInstanceOf(AuthenticationError);
    expect(e401.message).toContain('invalid_client The client_assertion signature is invalid.');
    expect(e401.message).toContain('Check the client id, key id and private key environment variables');
  });

  it('lists causes and tolerates bodies that are not Okta error objects', () => {
    const e = createOktaApiError({
      operation: 'op',
      attempts: 1,
      service: 'org',
      ...okta(400, 'E0000001', 'Api validation failed: defaultPercentage', [
        'defaultPercentage: must be 0..100',
      ]),
    });
    expect(e.causes).toEqual(['defaultPercentage: must be 0..100']);
    expect(e.message).toContain('(causes: defaultPercentage: must be 0..100)');
    expect(
      createOktaApiError({
        operation: 'op',
        attempts: 1,
        service: 'org',
        status: 502,
        body: '<html>bad gateway</html>',
      }).message,
    ).toContain('502 <html>bad gateway</html>');
    expect(
      createOktaApiError({ operation: 'op', attempts: 1, service: 'org', status: 503 }).message,
    ).toContain('op failed after 1 attempt: 503 HTTP 503.');
  });

  it('says a POST cut off by a vanished deploy agent may have run, not that the network is down', () => {
    const lost = createOktaApiError({
      operation: 'linkOrg 00oX',
      attempts: 1,
      service: 'aerial',
      code: 'ECONNLOST',
      transportMessage: 'the deploy agent closed the connection',
    });
    expect(lost).toBeInstanceOf(NetworkError);
    expect(lost.message).toContain(
      'The deploy agent went away while the call was in flight, so it may have run',
    );
    expect(lost.message).not.toContain('Check network access');
  });

  it('names the emulator when a loopback host refuses the connection, and only then', () => {
    const refused = (host: string) =>
      createOktaApiError({
        operation: 'getOrg x',
        attempts: 1,
        service: 'aerial',
        code: 'ECONNREFUSED',
        transportMessage: 'connect ECONNREFUSED',
        host,
      }).message;
    expect(refused('127.0.0.1:8787')).toContain(
      "Check that 127.0.0.1:8787 is reachable: nothing listens there. For the local emulator, start it on that port ('npx okta-aerial emulator', 8787 by default)",
    );
    expect(refused('localhost:9999')).toContain('For the local emulator');
    expect(refused('aerial-apac.okta.com')).not.toContain('emulator');
    expect(refused('aerial-apac.okta.com')).toContain('Check network access to aerial-apac.okta.com');
  });

  it('names the fix of a TLS failure, which is not retryable', () => {
    const tls = (code: string, host: string, transportMessage?: string) =>
      createOktaApiError({
        operation: 'getOrg x',
        attempts: 1,
        service: 'aerial',
        code,
        host,
        transportMessage,
      });
    const cert = tls('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'aerial-apac.okta.com');
    expect(cert).toBeInstanceOf(NetworkError);
    expect(cert.retryable).toBe(false);
    expect(cert.message).toContain(
      'The TLS certificate of aerial-apac.okta.com does not verify (UNABLE_TO_GET_ISSUER_CERT_LOCALLY).',
    );
    expect(cert.message).toContain('set NODE_EXTRA_CA_CERTS');
    expect(cert.message).toContain('the next hook gets a deploy agent of its own');
    const expired = tls('CERT_HAS_EXPIRED', 'aerial-apac.okta.com').message;
    expect(expired).toContain("Check this machine's clock");
    expect(expired).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(tls('ERR_TLS_CERT_ALTNAME_INVALID', 'aerial-apac.okta.com').message).toContain(
      'It is for another host name: check the host in the URL',
    );
    const wrongVersion = 'write EPROTO 80:error:0A00010B:SSL routines::wrong version number';
    const mismatch = tls('EPROTO', 'aerial-apac.okta.com', wrongVersion);
    expect(mismatch.retryable).toBe(false);
    expect(mismatch.message).toContain(
      "aerial-apac.okta.com did not complete a TLS handshake (EPROTO): check the URL's scheme and port",
    );
    expect(tls('EPROTO', 'localhost:8787', wrongVersion).message).toContain(
      'The local emulator serves plain HTTP',
    );
    expect(
      tls('EPROTO', 'aerial-apac.okta.com', 'write EPROTO 80:error:0A00042E:tlsv1 alert protocol version')
        .message,
    ).toContain(
      'aerial-apac.okta.com and this client have no TLS version in common (EPROTO): check NODE_OPTIONS',
    );
    // A handshake alert may pass (an overloaded load balancer): a network failure, retried.
    const alert = tls(
      'EPROTO',
      'aerial-apac.okta.com',
      'write EPROTO 80:error:0A000438:tlsv1 alert internal error',
    );
    expect(alert.retryable).toBe(true);
    expect(alert.message).toContain('Check network access to aerial-apac.okta.com');
    expect(tls('ECONNRESET', 'aerial-apac.okta.com').retryable).toBe(true);
  });

  it('builds network, timeout and deadline errors', () => {
    const net = createOktaApiError({
      operation: 'getOrg x',
      attempts: 4,
      service: 'aerial',
      code: 'ECONNRESET',
      transportMessage: 'socket hang up',
      host: 'aerial-apac.okta.com',
    });
    expect(net).toBeInstanceOf(NetworkError);
    expect(net.retryable).toBe(true);
    expect(net.message).toContain('ECONNRESET (socket hang up)');
    expect(net.message).toContain('Check network access to aerial-apac.okta.com');
    const t = createOktaApiError({
      operation: 'getOrg x',
      attempts: 2,
      service: 'aerial',
      code: 'ETIMEDOUT',
    });
    expect(t).toBeInstanceOf(TimeoutError);
    const d = createOktaApiError({
      operation: 'getOrg x',
      attempts: 5,
      service: 'aerial',
      deadlineExceeded: true,
      deadlineMs: 120000,
      ...okta(429, 'E0000047', 'API call exceeded rate limit'),
    });
    expect(d).toBeInstanceOf(TimeoutError);
    expect(d.message).toContain('[the deadline of 120000 ms ran out before the next retry]');
    expect(d.message).toContain('Raise retryDeadlineMs');
  });

  it('round-trips through its record (the deploy agent wire form)', () => {
    const e = createOktaApiError({
      operation: 'getOrg 00oX',
      attempts: 3,
      service: 'aerial',
      ...okta(404, 'E0000007', 'Not found'),
    });
    const back = errorFromRecord(JSON.parse(JSON.stringify(e.toRecord())));
    expect(back).toBeInstanceOf(NotFoundError);
    expect(back.message).toBe(e.message);
    expect(back.errorId).toBe('oaeABC123');
  });
});

describe('redaction', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
  const ssws = '00aSECRETSSWStokenValue0123456789';
  const access = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl';
  const assertion = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiIwb2EifQ.QUJDREVGR0hJSktMTU5PUA';
  const secrets = [...secretFragments(pem), ...secretFragments(jwk), ...secretFragments(ssws)];
  const leaky = [
    pem,
    jwk,
    ssws,
    `SSWS ${ssws}`,
    `Bearer ${access}`,
    `DPoP ${access}`,
    `client_assertion=${assertion}`,
    `{"access_token":"${access}"}`,
  ].join(' | ');
  const jwkD = (JSON.parse(jwk) as { d: string }).d;
  const hidden = [pem.split('\n')[1], jwkD, ssws, access, assertion];

  it('hides planted secrets in every message, cause, record, stack and inspection', () => {
    const e = createOktaApiError({
      operation: `getOrg ${ssws}`,
      attempts: 1,
      service: 'aerial',
      status: 400,
      body: {
        errorCode: 'E0000001',
        errorSummary: `bad ${leaky}`,
        errorId: 'oae1',
        errorCauses: [{ errorSummary: leaky }],
      },
      secrets,
    });
    const surfaces = [
      e.message,
      e.stack ?? '',
      JSON.stringify(e),
      JSON.stringify(e.toRecord()),
      inspect(e, { depth: 5 }),
      ...e.causes,
    ];
    for (const s of surfaces) for (const h of hidden) expect(s).not.toContain(h);
    expect(e.message).toContain('[REDACTED]');
  });

  it('hides secret-shaped text even when the secret was never registered', () => {
    const out = redact(`Authorization: SSWS ${ssws} then Bearer ${access} and ${pem}`);
    for (const h of [ssws, access, pem.split('\n')[1]]) expect(out).not.toContain(h);
  });

  it('redacts debug and warning lines', () => {
    const lines: string[] = [];
    const log = makeLogger({ log: (l) => lines.push(l) }, secrets, { OKTA_AERIAL_DEBUG: '1' });
    log.debug(`sent ${leaky}`);
    log.warn(`warn ${ssws}`);
    expect(lines).toHaveLength(2);
    for (const l of lines) for (const h of hidden) expect(l).not.toContain(h);
    const quiet: string[] = [];
    makeLogger({ log: (l) => quiet.push(l) }, [], {}).debug('x');
    expect(quiet).toEqual([]);
  });
});
