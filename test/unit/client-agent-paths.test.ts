import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import {
  agentDir,
  ensurePrivateDir,
  MAX_SOCKET_PATH_BYTES,
  socketPath,
  spawnLockPath,
  tempSocketPath,
} from '../../src/client/agent/paths';
import { agentEnvironment } from '../../src/client/agent/agent-client';
import { networkTag } from '../../src/client/agent/network-env';

describe('agent folder', () => {
  const base = mkdtempSync(join(tmpdir(), 'oa-paths-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('defaults to a per-user folder under the temp dir, or OKTA_AERIAL_AGENT_DIR', () => {
    expect(agentDir({})).toBe(join(tmpdir(), `okta-aerial-${process.getuid!()}`));
    expect(agentDir({ OKTA_AERIAL_AGENT_DIR: '/x/y' })).toBe('/x/y');
  });

  it('makes a relative OKTA_AERIAL_AGENT_DIR absolute (the agent runs inside that folder)', () => {
    const dir = agentDir({ OKTA_AERIAL_AGENT_DIR: 'rel/agent' });
    expect(isAbsolute(dir)).toBe(true);
    expect(dir).toBe(join(process.cwd(), 'rel', 'agent'));
    expect(socketPath(dir).startsWith(`${process.cwd()}/`)).toBe(true);
  });

  it('names the socket after the package version', () => {
    expect(socketPath('/d')).toMatch(/^\/d\/agent-\d+\.\d+\.\d+.*-[0-9a-f]{8}\.sock$/);
  });

  it('names the socket and its start marker after the environment that changes how the agent reaches Okta', () => {
    const base: NodeJS.ProcessEnv = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' };
    const name = socketPath('/d', base);
    // Every variable the agent is started with that changes its TLS or proxy gives another agent.
    for (const changed of [
      { NODE_EXTRA_CA_CERTS: '/etc/other-ca.pem' },
      { NODE_EXTRA_CA_CERTS: undefined },
      { HTTPS_PROXY: 'http://proxy.internal:3128' },
      { no_proxy: '.internal' },
      { NODE_OPTIONS: '--use-openssl-ca' },
      { SSL_CERT_FILE: '/etc/ssl/cert.pem' },
    ])
      expect(socketPath('/d', { ...base, ...changed })).not.toBe(name);
    // Other variables do not, nor a bundle the hook command moved aside, nor an empty variable.
    expect(socketPath('/d', { ...base, PATH: '/usr/bin', OKTA_API_TOKEN: 'x', HTTPS_PROXY: '' })).toBe(name);
    expect(
      socketPath('/d', {
        PATH: '/bin',
        NODE_EXTRA_CA_CERTS: '',
        OKTA_AERIAL_NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
      }),
    ).toBe(name);
    // A relative file is the same file wherever it is named from, and the agent runs in its own folder.
    expect(socketPath('/d', { ...base, SSL_CERT_FILE: 'certs/a.pem' })).toBe(
      socketPath('/d', { ...base, SSL_CERT_FILE: join(process.cwd(), 'certs/a.pem') }),
    );
    expect(spawnLockPath('/d', base)).toBe(name.replace(/\.sock$/, '.starting'));
    expect(spawnLockPath('/d', { ...base, HTTP_PROXY: 'http://p:1' })).not.toBe(spawnLockPath('/d', base));
  });

  it('gives each agent its own listening name next to the shared one, short enough for a socket path', () => {
    const a = tempSocketPath('/d');
    expect(a).toMatch(new RegExp(`^/d/agent-\\d+\\.\\d+\\.\\d+.*\\.${process.pid}\\.[0-9a-f]{8}\\.sock$`));
    expect(tempSocketPath('/d')).not.toBe(a);
    // A folder where the shared name just fits but the descriptive one would not: the short name is used.
    const dir = `/${'d'.repeat(MAX_SOCKET_PATH_BYTES - Buffer.byteLength(socketPath('/')) - 1)}`;
    expect(Buffer.byteLength(socketPath(dir))).toBe(MAX_SOCKET_PATH_BYTES);
    const short = tempSocketPath(dir, 'abcd1234');
    expect(short).toBe(`${dir}/.abcd1234.sock`);
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
  });

  it('creates a missing folder with mode 700', () => {
    const d = join(base, 'new');
    ensurePrivateDir(d);
    expect(() => ensurePrivateDir(d)).not.toThrow();
  });

  it('refuses a folder others can read', () => {
    const d = join(base, 'open');
    ensurePrivateDir(d);
    chmodSync(d, 0o755);
    expect(() => ensurePrivateDir(d)).toThrow(/accessible to other users \(mode 755\); it must be 700/);
  });

  it('refuses a symlink in place of the folder', () => {
    const target = join(base, 'target');
    ensurePrivateDir(target);
    const link = join(base, 'link');
    symlinkSync(target, link);
    expect(() => ensurePrivateDir(link)).toThrow(/not a directory/);
  });
});

describe('the environment of an agent a hook starts', () => {
  const matrix: NodeJS.ProcessEnv[] = [
    { PATH: '/bin' },
    { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', SSL_CERT_DIR: '/etc/ssl/certs' },
    { PATH: '/bin', NODE_EXTRA_CA_CERTS: '', OKTA_AERIAL_NODE_EXTRA_CA_CERTS: '/etc/ca.pem' },
    {
      PATH: '/bin',
      NODE_EXTRA_CA_CERTS: 'ca.pem',
      SSL_CERT_FILE: './certs/a.pem',
      NODE_OPTIONS: '--use-openssl-ca',
    },
    {
      PATH: '/bin',
      HTTPS_PROXY: 'http://p:3128',
      no_proxy: '127.0.0.1',
      OKTA_API_TOKEN: 'x',
      HTTP_PROXY: '',
    },
  ];
  it.each(matrix.map((env) => [JSON.stringify(env), env]))(
    'names the agent as the hook does (%s)',
    (_, env) => {
      const agentEnv = agentEnvironment(env, '/agents');
      // The agent computes its name in its own folder, from the environment it was given.
      expect(networkTag(agentEnv, '/agents')).toBe(networkTag(env));
      expect(agentEnv.OKTA_AERIAL_AGENT_DIR).toBe('/agents');
      expect(agentEnv.OKTA_API_TOKEN).toBeUndefined();
      expect(agentEnv.OKTA_AERIAL_NODE_EXTRA_CA_CERTS).toBeUndefined();
    },
  );

  it('gives the agent a bundle moved aside back, with relative paths made absolute', () => {
    expect(
      agentEnvironment(
        { NODE_EXTRA_CA_CERTS: '', OKTA_AERIAL_NODE_EXTRA_CA_CERTS: 'ca.pem', SSL_CERT_DIR: '/etc/ssl' },
        '/a',
      ),
    ).toEqual({
      NODE_EXTRA_CA_CERTS: join(process.cwd(), 'ca.pem'),
      SSL_CERT_DIR: '/etc/ssl',
      OKTA_AERIAL_AGENT_DIR: '/a',
    });
  });
});
