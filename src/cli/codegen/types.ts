/** The data of `okta-aerial import`'s code generation: its input, the planned constructs, the document. */
import type { Org, PrincipalRateLimitEntity, PrincipalType, Product } from '../../contract';
import type { AccountPropsJson, OrgPropsJson } from '../connection-flags';
import type { Estate } from '../estate';

/** What to generate from. */
export interface CodegenInput {
  readonly estate: Estate;
  /** Name of the TerraformStack in the generated app. */
  readonly stack: string;
  /** The AerialAccount props (as given on the command line). */
  readonly account: AccountPropsJson;
  /** The OktaOrg props of each org connection, by the connection's orgUrl. */
  readonly orgProps: ReadonlyMap<string, OrgPropsJson>;
}

export type ConstructType =
  'AerialAccount' | 'AerialOrg' | 'ProductAssignment' | 'OktaOrg' | 'PrincipalRateLimit';

/** Another construct of the document, by id (`{"ref": "AcmeProd"}`). */
export interface ConstructRef {
  readonly ref: string;
}

export type PropValue =
  string | number | boolean | ConstructRef | readonly PropValue[] | { readonly [key: string]: PropValue };

/** One construct: its class, its id in the stack, and exactly the props it is constructed with. */
export interface ConstructDecl {
  readonly type: ConstructType;
  readonly id: string;
  readonly props: Readonly<Record<string, PropValue>>;
}

/** Something of the estate the generated stack does not declare, and why. */
export interface NotImported {
  readonly kind: 'aerial-org' | 'org' | 'products' | 'rate-limits' | 'rate-limit';
  readonly orgId?: string;
  readonly domain?: string;
  readonly orgUrl?: string;
  readonly principalId?: string;
  readonly principalType?: PrincipalType;
  readonly reason: string;
}

/** `--format json`: the constructs of the generated stack as plain data. */
export interface ImportDocument {
  readonly format: 'okta-aerial-import';
  readonly version: 1;
  readonly stack: string;
  readonly account: { readonly id: string; readonly name?: string };
  readonly subscribedProducts: readonly Product[];
  readonly constructs: readonly ConstructDecl[];
  readonly notImported: readonly NotImported[];
}

/** A construct as the TypeScript renderer needs it. */
export interface PlannedDecl extends ConstructDecl {
  /** The variable it is bound to, when another construct refers to it. */
  varName?: string;
  /** Comment lines above it (the first construct of a group). */
  readonly comment?: readonly string[];
  /** A trailing comment per element of an array prop: productIds entry -> product name. */
  readonly elementComments?: Readonly<Record<string, string>>;
}

/** The generated stack before rendering. */
export interface ImportPlan {
  readonly stack: string;
  readonly estate: Estate;
  readonly decls: readonly PlannedDecl[];
  readonly notImported: readonly NotImported[];
  /** Domains of the linked orgs whose rate limits were not read (no org connection). */
  readonly orgsWithoutConnection: readonly string[];
}

/** The constructs of one org, or of one org URL that matches no linked org. */
export interface Group {
  readonly base: string;
  readonly disambiguator: string;
  name: string;
  readonly org?: Org;
  /** Declared as an AerialOrg. */
  readonly managed: boolean;
  /** Sorted product ids, when a ProductAssignment is declared. */
  products?: string[];
  api?: {
    readonly orgUrl: string;
    readonly props: OrgPropsJson;
    readonly limits: PrincipalRateLimitEntity[];
    /** API token names by id (SSWS principals), for comments. */
    readonly tokenNames?: ReadonlyMap<string, string>;
  };
}

/** True for a reference to another construct of the document. */
export function isRef(v: PropValue): v is ConstructRef {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as ConstructRef).ref === 'string'
  );
}
