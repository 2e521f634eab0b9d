/** What the connection flags turn into: the construct props they mirror and the spec connections of those. */
import type { AerialAccountProps, OktaOrgProps } from '../../constructs';
import type { AerialConnectionSpec, OrgConnectionSpec } from '../../contract';

/** The AerialAccount props a command was given, as plain JSON (what generated code passes). */
export type AccountPropsJson = Pick<
  AerialAccountProps,
  | 'accountId'
  | 'environment'
  | 'baseUrl'
  | 'aerialOrgDomain'
  | 'tokenUrl'
  | 'clientId'
  | 'privateKeyEnv'
  | 'keyIdEnv'
  | 'dpop'
>;

/** The OktaOrg props of one --org-url, as plain JSON. */
export type OrgPropsJson = Pick<OktaOrgProps, 'orgUrl' | 'apiTokenEnv'> & {
  readonly oauth?: { readonly clientId: string; readonly privateKeyEnv: string; readonly keyIdEnv: string };
};

/** One --org-url: its props, the spec connection they render, and its {LABEL}. */
export interface OrgFlags {
  readonly label: string;
  readonly props: OrgPropsJson;
  readonly spec: OrgConnectionSpec;
}

/** Every connection the flags name. */
export interface Connections {
  readonly account: { readonly props: AccountPropsJson; readonly spec: AerialConnectionSpec };
  readonly orgs: readonly OrgFlags[];
}
