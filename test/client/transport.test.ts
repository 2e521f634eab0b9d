/**
 * Transport-level behaviour the emulator cannot produce on demand (a 429 with Retry-After, a dropped socket
 * at a chosen attempt, a slow answer), against a tiny raw node:http server on loopback.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as selfsigned from 'selfsigned';
import {
  closeClients,
  ConfigurationError,
  NotFoundError,
  openPrincipalRateLimitClient,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  NetworkError,
} from '../../src/client';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

describe('client transport (raw loopback server)', () => {
  let server: http.Server;
  let handler: Handler;
  let count = 0;
  let seen: http.IncomingHttpHeaders[] = [];
  let url = '';
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      count++;
      seen.push(req.headers);
      handler(req, res, count);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await closeClients();
    count = 0;
    seen = [];
    sleeps.length = 0;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const json = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const entity = {
    id: 'prl1',
    principalId: '00Tx',
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 50,
    defaultConcurrencyPercentage: 50,
  };
  const open = (extra: Record<string, unknown> = {}) =>
    openPrincipalRateLimitClient(
      { orgUrl: url, auth: { type: 'ssws', token: 'SSWS-SECRET-TOKEN-VALUE-1234' }, ...extra },
      { useAgent: false, sleep, random: () => 0.5, log: () => {} },
    );

  it('waits for Retry-After on a rate 429, then succeeds with retry headers', async () => {
    handler = (_req, res, n) => {
      if (n === 1)
        json(
          res,
          429,
          { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
          { 'retry-after': '3', 'x-okta-request-id': 'req-first' },
        );
      else json(res, 200, entity);
    };
    const c = open();
    await expect(c.get('prl1')).resolves.toMatchObject({ id: 'prl1' });
    expect(sleeps).toEqual([3000 + 500]);
    expect(seen[1]['x-okta-retry-for']).toBe('req-first');
    expect(seen[1]['x-okta-retry-count']).toBe('1');
    expect(seen[0]['x-okta-retry-for']).toBeUndefined();
    expect(c.counters).toMatchObject({ requests: 2, retries: 1, throttled: 1 });
  });

  it('measures X-Rate-Limit-Reset against the response Date, not the local clock', async () => {
    const serverNow = Date.parse('2020-01-01T00:00:00Z');
    handler = (_req, res, n) => {
      if (n === 1) {
        json(
          res,
          429,
          { errorCode: 'E0000047', errorSummary: 'rate' },
          {
            'x-rate-limit-limit': '600',
            'x-rate-limit-remaining': '0',
            'x-rate-limit-reset': String(serverNow / 1000 + 7),
            date: new Date(serverNow).toUTCString(),
          },
        );
      } else json(res, 200, entity);
    };
    await open().get('prl1');
    expect(sleeps).toEqual([7000 + 500]);
  });

  it('retries a dropped socket on a GET and gives up after maxAttempts with a NetworkError', async () => {
    handler = (req) => req.socket.destroy();
    const c = openPrincipalRateLimitClient(
      { orgUrl: url, auth: { type: 'ssws', token: 'SSWS-SECRET-TOKEN-VALUE-1234' } },
      { useAgent: false, sleep, random: () => 0, retry: { maxAttempts: 3 }, log: () => {} },
    );
    const err = await c.get('prl1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).attempts).toBe(3);
    expect((err as Error).message).toMatch(/^getPrincipalRateLimit prl1 failed after 3 attempts: /);
    expect(count).toBe(3);
  });

  it('never repeats a PUT-free POST blindly: create re-reads, finds the entity, and returns it', async () => {
    handler = (req, res, n) => {
      if (req.method === 'POST' && n === 1) return void req.socket.destroy();
      if (req.method === 'GET') return json(res, 200, [entity]);
      json(res, 500, {});
    };
    const got = await open().create({
      principalId: '00Tx',
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 50,
    });
    expect(got).toMatchObject({ id: 'prl1' });
    expect(count).toBe(2); // one POST, one re-read, no second POST
  });

  it('repeats the POST after the re-read finds nothing', async () => {
    let posts = 0;
    handler = (req, res) => {
      if (req.method === 'POST') {
        posts++;
        if (posts === 1)
          return json(res, 503, { errorCode: 'E0000010', errorSummary: 'Service is in read only mode' });
        return json(res, 201, entity);
      }
      json(res, 200, []);
    };
    await expect(open().create({ principalId: '00Tx', principalType: 'SSWS_TOKEN' })).resolves.toMatchObject({
      id: 'prl1',
    });
    expect(posts).toBe(2);
    expect(seen[2]['x-okta-retry-count']).toBe('1');
  });

  it("gives a create its full attempts: the re-reads' own retries do not count against the POST", async () => {
    // Six failed POSTs, each followed by a re-read that is throttled once before it answers: 6 + 12 requests
    // before the 7th POST succeeds. The POST itself made 7 of its 10 attempts.
    let posts = 0;
    let gets = 0;
    handler = (req, res) => {
      if (req.method === 'POST') {
        posts++;
        if (posts <= 6)
          return json(res, 503, { errorCode: 'E0000010', errorSummary: 'Service is in read only mode' });
        return json(res, 201, entity);
      }
      gets++;
      if (gets % 2 === 1) return json(res, 429, { errorCode: 'E0000047', errorSummary: 'rate' });
      json(res, 200, []);
    };
    await expect(open().create({ principalId: '00Tx', principalType: 'SSWS_TOKEN' })).resolves.toMatchObject({
      id: 'prl1',
    });
    expect(posts).toBe(7);
    expect(gets).toBe(12);
  });

  it('retries a throttled token request like any call, and names the token request when it gives up', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let tokenRequests = 0;
    let throttleTokens = 5;
    handler = (req, res) => {
      if (req.url?.startsWith('/oauth2/v1/token')) {
        tokenRequests++;
        if (tokenRequests <= throttleTokens)
          return json(
            res,
            429,
            { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
            { 'x-rate-limit-limit': '0', 'x-rate-limit-remaining': '0' },
          );
        return json(res, 200, {
          token_type: 'Bearer',
          expires_in: 3600,
          access_token: 'at-1',
          scope: 'okta.principalRateLimits.read okta.principalRateLimits.manage',
        });
      }
      json(res, 200, entity);
    };
    const oauth = () =>
      openPrincipalRateLimitClient(
        {
          orgUrl: url,
          auth: { type: 'oauth', clientId: '0oaClient', tokenUrl: `${url}/oauth2/v1/token`, privateKey: pem },
        },
        { useAgent: false, sleep, random: () => 0.5, log: () => {} },
      );
    // Five 429s, then a token: well within the policy's attempts.
    await expect(oauth().get('prl1')).resolves.toMatchObject({ id: 'prl1' });
    expect(tokenRequests).toBe(6);

    // Two calls waiting on one token request that never succeeds: both errors name the token request.
    await closeClients();
    tokenRequests = 0;
    throttleTokens = Infinity;
    const c = oauth();
    const errors = await Promise.all([
      c.get('prl1').catch((e: Error) => e),
      c.get('prl2').catch((e: Error) => e),
    ]);
    for (const err of errors) {
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as Error).message).toMatch(
        /^token request for client 0oaClient failed after 10 attempts: 429/,
      );
    }
    expect(tokenRequests).toBe(10);
    expect(errors.map((e) => (e as Error).message).join()).not.toContain(pem.split('\n')[1]);
  });

  it('authorizes a call only once it holds a slot: a token that expired while it waited is renewed first', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // One clock for the client and this server: tokens live 10 s of it.
    let clock = 1_000_000;
    const issued = new Map<string, number>();
    const statuses: number[] = [];
    const sent: Record<string, string | undefined> = {};
    let holdFirst: (() => void) | undefined;
    const firstArrived = new Promise<void>((arrived) => {
      handler = (req, res) => {
        if (req.url?.startsWith('/oauth2/v1/token')) {
          const token = `at-${issued.size + 1}`;
          issued.set(token, clock);
          return json(res, 200, {
            token_type: 'Bearer',
            expires_in: 10,
            access_token: token,
            scope: 'okta.principalRateLimits.read okta.principalRateLimits.manage',
          });
        }
        const id = req.url!.split('/').pop()!;
        sent[id] ??= req.headers.authorization;
        const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
        const answer = (): void => {
          const at = issued.get(token);
          const ok = at !== undefined && clock < at + 10_000;
          statuses.push(ok ? 200 : 401);
          if (ok) json(res, 200, { ...entity, id });
          else json(res, 401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' });
        };
        if (id === 'first' && !holdFirst) {
          holdFirst = answer;
          arrived();
        } else answer();
      };
    });
    const c = openPrincipalRateLimitClient(
      {
        orgUrl: url,
        auth: { type: 'oauth', clientId: '0oaClient', tokenUrl: `${url}/oauth2/v1/token`, privateKey: pem },
        maxConcurrency: 1,
      },
      { useAgent: false, sleep, random: () => 0.5, log: () => {}, now: () => clock },
    );
    // Both calls share the first token; the second waits for the only slot while the first is on the wire.
    const first = c.get('first');
    const second = c.get('second');
    await firstArrived;
    // The first call is answered, and the token expires before the second call can take the slot (its
    // operation deadline is still far off): the client reads the answer in a later turn of the event loop.
    holdFirst!();
    clock += 10_000;
    await expect(first).resolves.toMatchObject({ id: 'first' });
    await expect(second).resolves.toMatchObject({ id: 'second' });
    // Authorized after it got the slot: a new token, no 401 and no retry.
    expect(sent.second).toBe('Bearer at-2');
    expect(statuses).toEqual([200, 200]);
    expect(c.counters.retries).toBe(0);
  });

  it('refuses a retry whose wait would pass the deadline, naming the deadline', async () => {
    handler = (_req, res) =>
      json(
        res,
        429,
        {
          errorCode: 'E0000047',
          errorSummary: 'API call exceeded rate limit due to too many requests.',
          errorId: 'oaeX1',
        },
        { 'retry-after': '30' },
      );
    const err = await open({ deadlineMs: 5000 })
      .get('prl1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('deadline of 5000 ms');
    expect((err as Error).message).toContain('E0000047');
    expect((err as Error).message).toContain('errorId oaeX1');
    expect(count).toBe(1);
  });

  it('reports a RateLimitError when 429s outlast the attempts', async () => {
    handler = (_req, res) =>
      json(
        res,
        429,
        { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
        { 'x-rate-limit-limit': '0' },
      );
    const c = openPrincipalRateLimitClient(
      { orgUrl: url, auth: { type: 'ssws', token: 'SSWS-SECRET-TOKEN-VALUE-1234' } },
      { useAgent: false, sleep, random: () => 0, retry: { maxAttempts: 4 }, log: () => {} },
    );
    const err = await c.get('prl1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(sleeps).toEqual([100, 200, 400]); // short, growing concurrency backoff, never the reset estimate
    expect((err as Error).message).toMatch(/lower terraform -parallelism/);
  });

  it('times out a slow attempt and retries it', async () => {
    handler = (_req, res, n) => {
      if (n === 1) setTimeout(() => json(res, 200, entity), 400);
      else json(res, 200, { ...entity, id: 'second' });
    };
    const c = openPrincipalRateLimitClient(
      { orgUrl: url, auth: { type: 'ssws', token: 'SSWS-SECRET-TOKEN-VALUE-1234' } },
      { useAgent: false, sleep, random: () => 0, retry: { attemptTimeoutMs: 100 }, log: () => {} },
    );
    await expect(c.get('prl1')).resolves.toMatchObject({ id: 'second' });
  });

  it('follows Link next URLs exactly and refuses a link to another origin', async () => {
    handler = (req, res, n) => {
      if (n === 1)
        return json(res, 200, [entity], {
          link: `<${url}/api/v1/principal-rate-limits?after=opaque%2Fcursor&limit=1>; rel="next", <${url}/x>; rel="self"`,
        });
      if (n === 2) {
        expect(req.url).toBe('/api/v1/principal-rate-limits?after=opaque%2Fcursor&limit=1');
        return json(res, 200, [{ ...entity, id: 'prl2' }], {
          link: '<https://evil.example.com/api/v1/principal-rate-limits?after=z>; rel="next"',
        });
      }
      json(res, 200, []);
    };
    const ids: string[] = [];
    const err = await (async () => {
      for await (const e of open().list({ principalType: 'SSWS_TOKEN', limit: 1 })) ids.push(e.id!);
    })().catch((e: unknown) => e);
    expect(ids).toEqual(['prl1']);
    expect((err as Error).message).toMatch(/another origin/);
    expect(count).toBe(2);
  });

  const oauthClient = (privateKey: string) =>
    openPrincipalRateLimitClient(
      {
        orgUrl: url,
        auth: { type: 'oauth', clientId: '0oaClient', tokenUrl: `${url}/oauth2/v1/token`, privateKey },
      },
      { useAgent: false, sleep, random: () => 0.5, log: () => {} },
    );

  it('refuses a public key given as the private key before sending anything, saying so', async () => {
    handler = (_req, res) => json(res, 200, entity);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const err = await oauthClient(pem)
      .get('prl1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(/of client 0oaClient is a public key .*no request was sent/);
    expect(count).toBe(0);
  });

  it("gives an API error Okta's request id and the request, without its credentials", async () => {
    handler = (_req, res) =>
      json(
        res,
        404,
        { errorCode: 'E0000007', errorSummary: 'Not found', errorId: 'oae7' },
        { 'x-okta-request-id': 'req-404' },
      );
    const err = await open()
      .get('prl1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({
      requestId: 'req-404',
      errorId: 'oae7',
      request: { method: 'GET', url: `${url}/api/v1/principal-rate-limits/prl1` },
    });
    expect(JSON.stringify(err)).not.toContain('SSWS-SECRET-TOKEN-VALUE-1234');
  });

  it('calls a token answer without an access_token a ProtocolError, and a foreign Link one too', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    handler = (_req, res) => json(res, 200, { token_type: 'Bearer' });
    const err = await oauthClient(pem)
      .get('prl1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toContain('without an access_token');
    expect(count).toBe(1);

    handler = (_req, res) =>
      json(res, 200, [entity], {
        link: '<https://evil.example.com/next>; rel="next"',
        'x-okta-request-id': 'req-l',
      });
    const linked = await (async () => {
      for await (const e of open().list({ principalType: 'SSWS_TOKEN' })) void e;
    })().catch((e: unknown) => e);
    expect(linked).toBeInstanceOf(ProtocolError);
    expect(linked).toMatchObject({ status: 200, requestId: 'req-l', request: { method: 'GET' } });
  });
});

describe('client transport over TLS that cannot work (loopback servers)', () => {
  let connections = 0;
  const servers: Array<http.Server | https.Server> = [];
  const sleeps: number[] = [];
  const listen = async (server: http.Server | https.Server): Promise<number> => {
    server.on('connection', () => connections++);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  };
  const get = (orgUrl: string) =>
    openPrincipalRateLimitClient(
      { orgUrl, auth: { type: 'ssws', token: 'SSWS-SECRET-TOKEN-VALUE-1234' } },
      { useAgent: false, sleep: async (ms) => void sleeps.push(ms), log: () => {} },
    )
      .get('prl1')
      .catch((e: unknown) => e);
  afterEach(async () => {
    await closeClients();
    connections = 0;
    sleeps.length = 0;
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  it('does not retry a certificate that does not verify, and says how to trust a private CA', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
    });
    const port = await listen(
      https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('[]')),
    );
    const err = await get(`https://127.0.0.1:${port}`);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ attempts: 1, retryable: false });
    expect((err as Error).message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect((err as Error).message).toContain(
      `The TLS certificate of 127.0.0.1:${port} does not verify (DEPTH_ZERO_SELF_SIGNED_CERT). ` +
        'If a proxy on your network inspects TLS',
    );
    expect((err as Error).message).toContain("set NODE_EXTRA_CA_CERTS to that CA's PEM file");
    expect(connections).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry an https:// URL for a port that serves plain HTTP, and names the emulator on loopback', async () => {
    const port = await listen(http.createServer((_req, res) => res.end('[]')));
    const err = await get(`https://127.0.0.1:${port}`);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ attempts: 1, retryable: false });
    expect((err as Error).message).toContain(
      `127.0.0.1:${port} did not answer with TLS (EPROTO). The local emulator serves plain HTTP: use an http:// URL`,
    );
    // OpenSSL's message ends in a line break; neither the message nor its cause keeps it.
    expect((err as Error).message).not.toMatch(/\n/);
    expect(((err as Error).cause as Error).message).toMatch(/wrong version number/);
    expect(((err as Error).cause as Error).message).not.toMatch(/\n/);
    expect(connections).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry a token request or re-read a POST after a TLS failure', async () => {
    const port = await listen(http.createServer((_req, res) => res.end('{}')));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const base = `https://127.0.0.1:${port}`;
    const client = openPrincipalRateLimitClient(
      {
        orgUrl: base,
        auth: { type: 'oauth', clientId: '0oaClient', tokenUrl: `${base}/oauth2/v1/token`, privateKey: pem },
      },
      { useAgent: false, sleep: async (ms) => void sleeps.push(ms), log: () => {} },
    );
    const token = await client.get('prl1').catch((e: unknown) => e);
    expect(token).toBeInstanceOf(NetworkError);
    expect((token as Error).message).toMatch(
      /^token request for client 0oaClient failed after 1 attempt: EPROTO/,
    );
    expect(connections).toBe(1);
    connections = 0;
    const ssws = openPrincipalRateLimitClient(
      { orgUrl: base, auth: { type: 'ssws', token: 'SSWS-SECRET-TOKEN-VALUE-1234' } },
      { useAgent: false, sleep: async (ms) => void sleeps.push(ms), log: () => {} },
    );
    const post = await ssws
      .create({ principalId: '00T1', principalType: 'SSWS_TOKEN', defaultPercentage: 50 })
      .catch((e: unknown) => e);
    expect(post).toMatchObject({ attempts: 1, retryable: false });
    expect(connections).toBe(1); // no re-read: it would fail the same way
    expect(sleeps).toEqual([]);
  });
});
