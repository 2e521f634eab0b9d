// Types of stack.js, so TypeScript tests and apps can build the example stack.
import type { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { Rendering } from '../../src';

/** Knobs of the composition example. */
export interface CompositionOptions {
  /** Where the connection values are read from. @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** Lifecycle resource type. @default 'terraform_data' */
  readonly rendering?: Rendering;
  /** Hook command override. @default - the relative path to bin/okta-aerial.js */
  readonly hookCommand?: string;
  /** Client id the stand-in app resource outputs. @default '0oaDemoSyncApp000001' */
  readonly syncAppClientId?: string;
}

/** Environment variables the example requires. */
export declare const REQUIRED_ENV: readonly string[];

/** Builds the composition stack (id 'composition' by default) into `app`. */
export declare function buildCompositionStack(
  app: Construct,
  id?: string,
  options?: CompositionOptions,
): TerraformStack;
