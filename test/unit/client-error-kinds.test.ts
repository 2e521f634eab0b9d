import { inspect } from 'node:util';
import {
  AgentError,
  ConfigurationError,
  createOktaApiError,
  errorFromRecord,
  NetworkError,
  NotFoundError,
  OktaAerialError,
  OktaApiError,
  ProtocolError,
} from '../../src/client/errors';

const SECRET = '00aSECRETSSWStokenValue0123456789';

describe('API errors', () => {
  it("carry Okta's request id, the redacted request and the errorId", () => {
    const err = createOktaApiError({
      operation: 'getOrg 00oX',
      attempts: 1,
      service: 'aerial',
      status: 404,
      headers: { 'x-okta-request-id': 'req-123' },
      body: { errorCode: 'E0000007', errorSummary: 'Not found', errorId: 'oae1' },
      request: {
        method: 'get',
        url: `https://u:p@x.okta.com/api/v1/orgs/00oX?limit=2&access_token=${SECRET}`,
      },
      secrets: [SECRET],
    });
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ requestId: 'req-123', errorId: 'oae1' });
    expect(err.request).toEqual({
      method: 'GET',
      url: 'https://x.okta.com/api/v1/orgs/00oX?limit=2&access_token=REDACTED',
    });
    expect(errorFromRecord(JSON.parse(JSON.stringify(err.toRecord()))).request).toEqual(err.request);
  });

  it('carry the transport failure as their cause, redacted, also across the wire', () => {
    const transport = Object.assign(new Error(`socket hang up near SSWS ${SECRET}`), { code: 'ECONNRESET' });
    const err = createOktaApiError({
      operation: 'getOrg 00oX',
      attempts: 3,
      service: 'aerial',
      code: 'ECONNRESET',
      cause: transport,
      secrets: [SECRET],
    });
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error & { code?: string }).code).toBe('ECONNRESET');
    const back = errorFromRecord(JSON.parse(JSON.stringify(err.toRecord())));
    expect((back.cause as Error).message).toBe((err.cause as Error).message);
    for (const s of [inspect(err, { depth: 5 }), JSON.stringify(err.toRecord())])
      expect(s).not.toContain(SECRET);
  });
});

describe('configuration, agent and protocol errors', () => {
  const cases: Array<[string, OktaAerialError]> = [
    ['ConfigurationError', new ConfigurationError('baseUrl is missing', { setting: 'baseUrl' })],
    [
      'AgentError',
      new AgentError({
        code: 'EAGENTSILENT',
        operation: 'getOrg 00oX',
        reason: 'no answer',
        mayHaveRun: true,
      }),
    ],
    [
      'ProtocolError',
      new ProtocolError({
        operation: 'listOrgs a',
        detail: 'the server sent a link to https://evil.example.com, another origin',
        hint: 'Point the connection at the API',
        status: 200,
        requestId: 'req-9',
        request: { method: 'GET', url: 'https://x.okta.com/a/api/v1/orgs' },
      }),
    ],
  ];

  it.each(cases)('a %s is its own kind, not an API failure, and survives the agent wire', (name, err) => {
    expect(err.name).toBe(name);
    expect(err).toBeInstanceOf(OktaAerialError);
    expect(err).not.toBeInstanceOf(OktaApiError);
    expect(err.message).not.toMatch(/failed after \d+ attempts?|Check network access/);
    const back = errorFromRecord(JSON.parse(JSON.stringify(err.toRecord())));
    expect(back.constructor).toBe(err.constructor);
    expect(back.message).toBe(err.message);
    expect(back.toRecord()).toEqual(err.toRecord());
  });

  it('an AgentError says whether the call may have run, and names its code in the detail', () => {
    const err = new AgentError({ code: 'EAGENTGONE', reason: 'the call was not executed', operation: 'x' });
    expect(err).toMatchObject({ mayHaveRun: false, detail: 'EAGENTGONE (the call was not executed)' });
  });
});
