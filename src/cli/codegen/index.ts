/**
 * Code generation for `okta-aerial import`: an estate (read by estate.ts) becomes a plan of constructs with
 * stable, unique ids, rendered either as a complete cdktf app in TypeScript or as a plain JSON document of
 * the same constructs. Pure: no I/O, no clock (the same estate always gives the same bytes).
 *
 * What is declared, so that a deploy against the same account makes no write:
 * - one AerialAccount with the connection props the command was given (values and env var NAMES only);
 * - per linked org but the account's own Aerial org: an AerialOrg by orgId with its live status, and a
 *   ProductAssignment with its enabled products (sorted ids, each named from the subscribed products);
 * - per org connection with rate limits: an OktaOrg and one PrincipalRateLimit per entity with its two
 *   percentages.
 * Anything that cannot be declared faithfully is left out and listed (a comment, `notImported`).
 *
 * Re-exports only. The parts: types.ts (the input, the plan and the document), plan-import.ts (which
 * constructs) with naming.ts (their ids and variables) and declarations.ts (their props and comments),
 * render-typescript.ts and render-json.ts (the two outputs).
 */

export { planImport } from './plan-import';
export { pascal } from './naming';
export { renderJson, toDocument } from './render-json';
export { quote, renderTypeScript } from './render-typescript';
export type {
  CodegenInput,
  ConstructDecl,
  ConstructRef,
  ConstructType,
  ImportDocument,
  ImportPlan,
  NotImported,
  PropValue,
} from './types';
