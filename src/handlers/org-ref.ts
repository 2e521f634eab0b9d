/** Finding an org of an account by its reference in a spec (an id, or a domain before it is linked). */
import { isNotFound, type AerialClient } from '../client';
import type { Org, OrgRefSpec } from '../contract';

/** Human-readable form of an org reference, for log lines and errors. */
export function describeOrgRef(ref: OrgRefSpec): string {
  return 'orgId' in ref ? `org ${ref.orgId}` : `org ${ref.domain} (cell ${ref.cell})`;
}

/** The org if it is linked to the client's account, otherwise undefined. */
export async function findLinkedOrg(client: AerialClient, ref: OrgRefSpec): Promise<Org | undefined> {
  if ('orgId' in ref) {
    try {
      return await client.getOrg(ref.orgId);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
  return client.findOrgByDomain(ref.domain);
}
