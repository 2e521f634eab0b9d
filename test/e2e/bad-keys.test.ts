/**
 * A bad private key, through a real hook: a public-key PEM, a passphrase-protected key and a truncated PEM
 * each fail the deploy with their own message and fix, before any request is sent, and the key itself is
 * never echoed.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { TerraformStack } from 'cdktf';
import { AerialOrg } from '../../src/constructs';
import type { RunningEmulator } from '../../src/emulator';
import { ORGS, startTestEmulator, emulatorAccount } from './fixtures';
import { E2eProject } from './harness';

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  project = new E2eProject('badkey');
  project.synth((stack: TerraformStack) => {
    const account = emulatorAccount(stack, creds);
    new AerialOrg(stack, 'Prod', { account, orgId: ORGS.prod });
  });
  await project.init(creds);
});

afterAll(async () => {
  project?.cleanup();
  await emu?.stop();
});

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const encryptedPem = pair.privateKey
  .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret-passphrase' })
  .toString();
const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const truncatedPem = privatePem.slice(0, Math.floor(privatePem.length / 2));

describe.each([
  [
    'a public-key PEM',
    publicPem,
    /is a public key \(a PEM 'PUBLIC KEY' block\), not a private key/,
    /Use the private key of the pair/,
  ],
  [
    'a passphrase-protected key',
    encryptedPem,
    /is protected by a passphrase/,
    /openssl pkcs8 -topk8 -nocrypt/,
  ],
  [
    'a truncated PEM',
    truncatedPem,
    /is cut off: its PEM 'PRIVATE KEY' block has no END line/,
    /END line included/,
  ],
])('a deploy with %s', (_what, key, problem, fix) => {
  it.each([
    ['through the deploy agent', {}],
    ['in the hook process', { OKTA_AERIAL_NO_AGENT: '1' }],
  ])('fails %s with its own message and fix, sends no request, never echoes the key', async (_how, extra) => {
    emu.reset();
    const r = await project.apply({ ...creds, OKTA_AERIAL_PRIVATE_KEY: key, ...extra });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/okta-aerial: apply failed for aerial-org 'badkey\/Prod'/);
    expect(r.output).toMatch(problem);
    expect(r.output).toMatch(fix);
    expect(r.output).toMatch(/no request was sent/);
    expect(r.output).not.toMatch(/\b401\b|invalid_private_key|after \d+ attempts/);
    expect(emu.log()).toEqual([]);
    for (const line of key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(r.output).not.toContain(line);
  });
});
