/**
 * The CDK for Terraform of the app: cdktf 0.21, or CDK Terrain (`cdktn`), its maintained fork with the same
 * API. Both are peer dependencies, so this library uses the very copy the app uses and never brings its
 * own (two copies break token resolution and `TerraformStack.of`). cdktn is preferred when both are
 * installed: a cdktn app can have cdktf too, as the peer of a prebuilt provider binding.
 * Types come from cdktf (a dev dependency); cdktn's are the same.
 */
import type * as Cdktf from 'cdktf';

function load(): typeof Cdktf {
  for (const name of ['cdktn', 'cdktf']) {
    try {
      return require(name) as typeof Cdktf;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String(err).includes(`'${name}'`)) {
        throw err;
      }
    }
  }
  throw new Error(
    "cdktf-okta-aerial needs CDK for Terraform in your app: run 'npm install cdktf@^0.21 constructs@^10.6' " +
      "(or 'npm install cdktn constructs' for CDK Terrain)",
  );
}

const cdk = load();

export const {
  Annotations,
  App,
  Fn,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Token,
  anyToHclTerraform,
  anyToTerraform,
  hashMapper,
  hashMapperHcl,
} = cdk;
export type App = Cdktf.App;
export type TerraformProvider = Cdktf.TerraformProvider;
export type TerraformResource = Cdktf.TerraformResource;
export type TerraformStack = Cdktf.TerraformStack;
export type { ITerraformDependable, LocalExecProvisioner } from 'cdktf';
