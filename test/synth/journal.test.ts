/**
 * The journal resource each construct renders between its identity and config resources, so that a deploy
 * killed while a hook runs is re-applied by the next one (src/spec/journal.ts).
 */
import 'cdktf/lib/testing/adapters/jest';
import { AerialOrg } from '../../src';
import { interruptedTrigger, markPendingCommand } from '../../src/spec';
import { ACCOUNT_ID, cleanup, demoAccount, localExec, logicalId, newStack, resource, synth } from './helpers';

afterAll(cleanup);

const ORG_ID = '00oDemoAcmeProd00001';

describe.each(['terraform_data', 'null_resource'] as const)('the journal resource (%s)', (rendering) => {
  const stack = newStack();
  new AerialOrg(stack, 'Prod', { account: demoAccount(stack, { rendering }), orgId: ORG_ID });
  const synthesized = synth(stack);
  const triggersOf = rendering === 'terraform_data' ? 'triggers_replace' : 'triggers';
  const journal = resource(synthesized, rendering, 'Prod_Journal_');
  const config = resource(synthesized, rendering, 'Prod_Config_');
  const journalId = `${rendering}.${logicalId(synthesized, rendering, 'Prod_Journal_')}`;

  it('is keyed like the config resource plus the interrupted trigger that reads the journal files', () => {
    const { interrupted, ...rest } = journal[triggersOf];
    expect(interrupted).toBe(interruptedTrigger('stack/Prod'));
    expect(rest).toEqual(config[triggersOf]);
    expect(JSON.stringify(config[triggersOf])).not.toContain('.okta-aerial/journal');
  });

  it('marks the apply as pending with a fixed shell command that holds no spec data', () => {
    const exec = localExec(journal);
    expect(exec.command).toBe(markPendingCommand('stack/Prod'));
    expect(exec.command).not.toContain(ORG_ID);
    expect(exec.command).not.toContain(ACCOUNT_ID);
    expect(exec.environment).toBeUndefined();
    expect(journal.depends_on).toEqual([
      `${rendering}.${logicalId(synthesized, rendering, 'Prod_Identity_')}`,
    ]);
  });

  it('comes before the config resource, which it replaces when it is replaced', () => {
    expect(config.depends_on).toContain(journalId);
    expect(config.lifecycle.replace_triggered_by).toEqual([journalId]);
  });

  it("hands the journal's planned trigger value to the apply hook", () => {
    expect(localExec(config).environment.OKTA_AERIAL_JOURNAL_EXPECT).toBe(
      `\${${journalId}.${triggersOf}.interrupted}`,
    );
  });
});
