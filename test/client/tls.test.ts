/**
 * TLS failures that may pass, against a loopback TLS server whose certificate the client trusts: the client
 * runs in a child process with NODE_EXTRA_CA_CERTS naming the server's self-signed certificate (Node reads
 * that variable only at start), and the server here decides, connection by connection, what to answer.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import * as selfsigned from 'selfsigned';
import { buildLib } from '../build-lib';

const LIB_CLIENT = join(__dirname, '..', '..', 'lib', 'client');
const ENTITY = { id: 'prl1', principalId: '00T1', principalType: 'SSWS_TOKEN', defaultPercentage: 50 };

/** What the server does with one request on a connection (the connection's number, from 1). */
type Answer = (socket: tls.TLSSocket, raw: net.Socket, connection: number, request: number) => void;

describe('client transport over TLS failures that may pass (child process, trusted loopback certificate)', () => {
  let dir = '';
  let key = '';
  let cert = '';
  let server: net.Server | undefined;
  let connections = 0;

  beforeAll(async () => {
    buildLib('client/index.js');
    dir = mkdtempSync(join(tmpdir(), 'okta-aerial-tls-'));
    const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    key = pems.private;
    cert = pems.cert;
    writeFileSync(join(dir, 'ca.pem'), cert);
  });
  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r));
    server = undefined;
    connections = 0;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts a TLS server (over a raw socket, so a test can also write to the socket beneath TLS). */
  const serve = async (
    answer: Answer,
    opening?: (raw: net.Socket, connection: number) => boolean,
  ): Promise<string> => {
    server = net.createServer((raw) => {
      const connection = ++connections;
      if (opening?.(raw, connection)) return;
      const socket = new tls.TLSSocket(raw, { isServer: true, key, cert });
      let requests = 0;
      socket.on('data', () => answer(socket, raw, connection, ++requests));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `https://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  };
  const ok = (socket: tls.TLSSocket): void => {
    const body = JSON.stringify(ENTITY);
    socket.write(
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`,
    );
  };

  /** Runs `calls` GETs one after the other in a child process that trusts the server's certificate. */
  const run = (orgUrl: string, calls: number): Promise<Array<Record<string, unknown>>> => {
    const script = `
      const { openPrincipalRateLimitClient, closeClients } = require(${JSON.stringify(LIB_CLIENT)});
      (async () => {
        const sleeps = [];
        const c = openPrincipalRateLimitClient(
          { orgUrl: ${JSON.stringify(orgUrl)}, auth: { type: 'ssws', token: 'SSWS-SECRET-TOKEN-VALUE-1234' } },
          { useAgent: false, sleep: async (ms) => void sleeps.push(ms), log: () => {} },
        );
        const out = [];
        for (let i = 0; i < ${calls}; i++)
          out.push(await c.get('prl1').then(
            (e) => ({ ok: e.id }),
            (e) => ({ name: e.name, attempts: e.attempts, retryable: e.retryable, message: e.message }),
          ));
        out.push({ sleeps: sleeps.length });
        await closeClients();
        process.stdout.write(JSON.stringify(out));
      })();`;
    return new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        ['-e', script],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }, timeout: 60_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
      ),
    );
  };

  it('trusts the certificate: a plain GET works (the baseline of the cases below)', async () => {
    const url = await serve((socket) => ok(socket));
    expect(await run(url, 2)).toEqual([{ ok: 'prl1' }, { ok: 'prl1' }, { sleeps: 0 }]);
    expect(connections).toBe(1); // one keep-alive connection
  });

  it('retries plain text written into a reused keep-alive connection (a middlebox), on a new connection', async () => {
    const url = await serve((socket, raw, connection, request) => {
      if (connection === 1 && request === 2) raw.write('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      else ok(socket);
    });
    // Node reports this as a wrong TLS version, as it does for an https:// URL to a plain HTTP port.
    expect(await run(url, 2)).toEqual([{ ok: 'prl1' }, { ok: 'prl1' }, { sleeps: 1 }]);
    expect(connections).toBe(2);
  });

  it('retries a handshake refused with an alert (an overloaded load balancer), and not one with protocol version', async () => {
    const alert = (code: number) => (raw: net.Socket, connection: number) => {
      if (connection !== 1) return false;
      // A TLS alert record: fatal (2), then the alert's code.
      raw.once('data', () => raw.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, code])));
      return true;
    };
    const url = await serve((socket) => ok(socket), alert(80));
    expect(await run(url, 1)).toEqual([{ ok: 'prl1' }, { sleeps: 1 }]);
    expect(connections).toBe(2);

    await new Promise((r) => server!.close(r));
    connections = 0;
    const always = await serve(
      (socket) => ok(socket),
      (raw) => alert(70)(raw, 1),
    );
    const [refused] = await run(always, 1);
    expect(refused).toMatchObject({ name: 'NetworkError', attempts: 1, retryable: false });
    expect(refused.message).toContain('have no TLS version in common (EPROTO): check NODE_OPTIONS');
    expect(connections).toBe(1);
  });
});
