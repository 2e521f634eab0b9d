import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { agentDir, ensurePrivateDir, socketPath } from '../../src/client/agent/paths';

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
    expect(socketPath('/d')).toMatch(/^\/d\/agent-\d+\.\d+\.\d+.*\.sock$/);
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
