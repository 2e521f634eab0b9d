// Types of shared.js.
/** The app's CDK for Terraform: cdktn when installed, else cdktf (the same API). */
export declare function loadCdk(): typeof import('cdktf');
/** The built library (lib/); throws a clear error when it is not built. */
export declare function loadLibrary(): typeof import('../src');
/** The values of `names` from `env`; throws one error listing every missing one. */
export declare function requireEnv(
  env: Record<string, string | undefined>,
  names: readonly string[],
  what: string,
): Record<string, string>;
/** Runs an example's main, printing a one-line error and setting exit code 1 on failure. */
export declare function runExample(main: () => void): void;
