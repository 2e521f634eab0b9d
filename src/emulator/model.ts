/**
 * The emulated Okta's model (moto's "backend"): the state, its clock, and the lookups every API shares.
 * The rules of each API are in its `*-model.ts`; they change state here and call {@link EmulatorModel.changed}.
 */
import type { AccountState, EmulatorState, OrgState, TokenState } from './state';

/** State plus the lookups and the change hook; knows nothing about HTTP. */
export class EmulatorModel {
  /** Called after every state change (persistence hooks in here). */
  onChange: () => void = () => undefined;
  /** Index of state.tokens by hash, so a busy benchmark does not scan every token per request. */
  private tokenIndex?: Map<string, TokenState>;

  constructor(
    readonly state: EmulatorState,
    private readonly clock: () => number,
  ) {}

  now(): number {
    return this.clock();
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Records that state changed (persisted soon after). */
  changed(): void {
    this.onChange();
  }

  account(id: string): AccountState | undefined {
    return this.state.accounts.find((a) => a.id === id);
  }

  /** Whether an org still exists: not deleted, and not past the end of a pending deletion. */
  exists(org: OrgState): boolean {
    if (org.deleted) return false;
    if (org.deleteAt !== undefined && this.now() >= org.deleteAt) {
      // The pending deletion has completed: from now on the org is gone (and is saved so).
      org.deleted = true;
      this.changed();
      return false;
    }
    return true;
  }

  orgById(id: string): OrgState | undefined {
    return this.state.orgs.find((o) => o.id === id && this.exists(o));
  }

  orgBySubdomain(sub: string): OrgState | undefined {
    return this.state.orgs.find((o) => o.subdomain === sub && this.exists(o));
  }

  /** The Aerial org of an account. */
  aerialOrgOf(account: AccountState): OrgState | undefined {
    return this.orgById(account.aerialOrgId);
  }

  /** The account whose Aerial org this is, if it is one. */
  accountOfAerialOrg(org: OrgState): AccountState | undefined {
    return org.aerialOrg ? this.state.accounts.find((a) => a.aerialOrgId === org.id) : undefined;
  }

  /** The stored token with this hash, if any (expired ones included). */
  findToken(hash: string): TokenState | undefined {
    this.tokenIndex ??= new Map(this.state.tokens.map((t) => [t.hash, t]));
    return this.tokenIndex.get(hash);
  }

  /** Stores a new token and drops expired ones. */
  addToken(token: TokenState): void {
    const now = this.now();
    this.state.tokens = this.state.tokens.filter((t) => t.exp > now);
    this.state.tokens.push(token);
    this.tokenIndex = new Map(this.state.tokens.map((t) => [t.hash, t]));
  }
}

/** Sorts objects by id, the key every cursor of the emulator points past. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
