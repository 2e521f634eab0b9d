/** The package version, read once at run time (it names the agent socket, so mixed versions never talk). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Version of cdktf-okta-aerial, from package.json (works from src/ and lib/). */
export const PACKAGE_VERSION: string = (() => {
  try {
    return (
      JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '0.0.0';
  }
})();
