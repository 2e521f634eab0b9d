/** `okta-aerial import --format json`: the planned constructs as plain data. */
import type { ImportDocument, ImportPlan } from './types';

/** The plan as the JSON document of `--format json`. */
export function toDocument(plan: ImportPlan): ImportDocument {
  return {
    format: 'okta-aerial-import',
    version: 1,
    stack: plan.stack,
    account: {
      id: plan.estate.account.id,
      ...(plan.estate.account.name ? { name: plan.estate.account.name } : {}),
    },
    subscribedProducts: plan.estate.subscribedProducts.map((p) => ({
      id: p.id,
      ...(p.name ? { name: p.name } : {}),
    })),
    constructs: plan.decls.map(({ type, id, props }) => ({ type, id, props })),
    notImported: plan.notImported,
  };
}

/** `--format json` text. */
export function renderJson(plan: ImportPlan): string {
  return `${JSON.stringify(toDocument(plan), null, 2)}\n`;
}
