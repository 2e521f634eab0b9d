// @ts-check
'use strict';
/** Helpers shared by the examples: loading the built library and reading required environment variables. */

/**
 * The built library (lib/, from `npm run build`); examples are plain JavaScript so they need no TS runner.
 * @returns {typeof import('../src')}
 */
function loadLibrary() {
  try {
    return require('../lib');
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'MODULE_NOT_FOUND') {
      throw new Error("cdktf-okta-aerial is not built (lib/ is missing); run 'npm run build' first");
    }
    throw err;
  }
}

/**
 * The app's CDK for Terraform: CDK Terrain (`cdktn`) when installed, else cdktf 0.21 (the same API; the
 * library makes the same choice, so both always use one copy).
 * @returns {typeof import('cdktf')}
 */
function loadCdk() {
  try {
    return require('cdktn');
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'MODULE_NOT_FOUND') throw err;
    return require('cdktf');
  }
}

/**
 * The values of `names` from `env`; throws one error listing every missing one and how to set them.
 * @param {Record<string, string | undefined>} env
 * @param {readonly string[]} names
 * @param {string} what
 * @returns {Record<string, string>}
 */
function requireEnv(env, names, what) {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${what} needs the environment variables ${missing.join(', ')}; against the local emulator run ` +
        `eval "$(npx okta-aerial emulator credentials)" (with the emulator running), or set them for your Okta account`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, /** @type {string} */ (env[name])]));
}

/**
 * Runs an example's `main`: synthesizes, or prints a one-line error (no stack trace) and exits 1.
 * @param {() => void} main
 */
function runExample(main) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`${/** @type {Error} */ (err).message}\n`);
    process.exitCode = 1;
  }
}

module.exports = { loadCdk, loadLibrary, requireEnv, runExample };
