/**
 * ProductAssignment: make the org's enabled products exactly the desired set (the API's PUT replaces the
 * whole set). Destroy per removal policy: DESTROY disables the products this assignment declares and keeps
 * anything else that is enabled.
 */
import type { AerialClient } from '../client';
import type { ProductAssignmentIdentitySpec, ProductAssignmentSpec } from '../contract';
import type { HandlerContext } from './context';
import type { LiveReader } from './live-reader';
import { describeOrgRef, findLinkedOrg } from './org-ref';

/** What a ProductAssignment declares and what is read back: the enabled set, sorted. */
export interface ProductAssignmentState {
  readonly productIds: readonly string[];
}

/** The live state in the shape of the desired state, or undefined when the org is not linked. */
export async function readProductAssignment(
  spec: ProductAssignmentSpec,
  live: LiveReader,
): Promise<ProductAssignmentState | undefined> {
  // Named by id, the products are read while the org listing (which says whether it is linked) runs.
  const early = 'orgId' in spec.org ? live.enabledProducts(spec.account, spec.org.orgId) : undefined;
  early?.catch(() => undefined);
  const org = await live.org(spec.account, spec.org);
  if (!org) return undefined;
  const products = await (early ?? live.enabledProducts(spec.account, org.id));
  return { productIds: [...new Set(products.map((p) => p.id))].sort() };
}

async function resolveOrgId(client: AerialClient, spec: ProductAssignmentSpec): Promise<string | undefined> {
  if ('orgId' in spec.org) return spec.org.orgId;
  return (await findLinkedOrg(client, spec.org))?.id;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

/** Idempotent upsert: one read, and one write only when the sets differ. */
export async function applyProductAssignment(
  spec: ProductAssignmentSpec,
  ctx: HandlerContext,
): Promise<void> {
  const client = ctx.aerial(spec.account);
  const orgId = await resolveOrgId(client, spec);
  if (!orgId) {
    throw new Error(
      `${describeOrgRef(spec.org)} is not linked to account ${spec.account.accountId}; ` +
        `declare it with an AerialOrg and pass that AerialOrg as 'org' so it is linked first`,
    );
  }
  ctx.claim?.(
    `products ${spec.account.accountId} ${orgId}`,
    `the products of org ${orgId} of account ${spec.account.accountId}`,
  );
  const current = (await client.getEnabledProducts(orgId)).map((p) => p.id);
  // Unique: a list from another resource may repeat an id the synth-time normalization could not see.
  const desired = [...new Set(spec.productIds)];
  if (sameSet(current, desired)) {
    ctx.log(`org ${orgId} products already [${desired.join(', ')}]; nothing to change`);
    return;
  }
  // By id: the client names each product from the account's subscription, as the API documents it.
  const enabled = await client.setEnabledProducts(orgId, desired);
  ctx.log(`org ${orgId} products [${current.join(', ')}] -> [${enabled.map((p) => p.id).join(', ')}]`);
}

/** Disables the declared products on DESTROY; RETAIN makes no call; an unlinked org counts as done. */
export async function destroyProductAssignment(
  spec: ProductAssignmentSpec | ProductAssignmentIdentitySpec,
  ctx: HandlerContext,
): Promise<void> {
  const label = describeOrgRef(spec.org);
  if (spec.removalPolicy !== 'DESTROY') {
    ctx.log(`products of ${label} retained (removalPolicy RETAIN); no API call`);
    return;
  }
  const client = ctx.aerial(spec.account);
  const org = await findLinkedOrg(client, spec.org);
  if (!org) {
    ctx.log(`${label} is not linked to account ${spec.account.accountId}; nothing to disable`);
    return;
  }
  const declared = new Set(spec.productIds);
  const enabled = await client.getEnabledProducts(org.id);
  const current = enabled.map((p) => p.id);
  // The products that stay are sent back as read, names included (Okta ignores them but documents them).
  const kept = enabled.filter((p) => !declared.has(p.id));
  const remaining = kept.map((p) => p.id);
  if (remaining.length === current.length) {
    ctx.log(`org ${org.id} has none of [${spec.productIds.join(', ')}] enabled; nothing to disable`);
    return;
  }
  await client.setEnabledProducts(org.id, kept);
  ctx.log(
    `org ${org.id} products [${current.join(', ')}] -> [${remaining.join(', ')}] (removalPolicy DESTROY)`,
  );
}
