import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AliasError, CLAIMS_DIR, openClaims } from '../../src/cli/claims';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-'));
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), '{}');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const open = (p: string) => openClaims(dir, p, `aerial-org '${p}'`)!;

describe('deploy-time claims', () => {
  it('lets a construct claim its object again, and refuses another construct of the same synth, naming both', () => {
    open('s/A').claim('org X', 'org X');
    open('s/A').claim('org X', 'org X');
    expect(() => open('s/B').claim('org X', 'org X')).toThrow(AliasError);
    expect(() => open('s/B').claim('org X', 'org X')).toThrow(
      "aerial-org 's/B' and aerial-org 's/A' both manage org X (they name it in two ways",
    );
    open('s/B').claim('org Y', 'org Y');
  });

  it('replaces a claim of another synth (the code changed since), and claims nothing without cdk.tf.json', () => {
    open('s/A').claim('org X', 'org X');
    const later = new Date(Date.now() + 5000);
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), '{"changed":true}');
    fs.utimesSync(path.join(dir, 'cdk.tf.json'), later, later);
    open('s/B').claim('org X', 'org X');
    expect(() => open('s/A').claim('org X', 'org X')).toThrow(AliasError);
    fs.rmSync(path.join(dir, 'cdk.tf.json'));
    expect(openClaims(dir, 's/C', 'x')).toBeUndefined();
  });

  it('keeps claims in a private folder of the stack and treats a torn file as stale', () => {
    open('s/A').claim('org X', 'org X');
    const folder = path.join(dir, CLAIMS_DIR);
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(folder)) fs.writeFileSync(path.join(folder, f), '{tor');
    open('s/B').claim('org X', 'org X');
  });
});
