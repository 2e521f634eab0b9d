/**
 * Terraform's built-in `terraform_data` resource, as the lifecycle renders it. cdktf's own DataResource
 * adds a validation to every instance that spawns `terraform version` at synth: a stack of 1,500
 * constructs (3,000 lifecycle resources) spent about 230 s of its synth in those subprocesses. This class
 * renders the same JSON and checks the Terraform version once per stack.
 */
import { spawnSync } from 'node:child_process';
import {
  TerraformResource,
  TerraformStack,
  anyToHclTerraform,
  anyToTerraform,
  hashMapper,
  hashMapperHcl,
  type ITerraformDependable,
  type LocalExecProvisioner,
} from './cdk';
import type { Construct, IValidation } from 'constructs';

/** What the lifecycle sets on a terraform_data resource. */
export interface TerraformDataConfig {
  readonly input?: unknown;
  readonly triggersReplace?: unknown;
  readonly dependsOn?: ITerraformDependable[];
  readonly provisioners?: LocalExecProvisioner[];
}

/** A `terraform_data` resource (Terraform >= 1.4, no provider download). */
export class TerraformData extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: TerraformDataConfig,
  ) {
    super(scope, id, {
      terraformResourceType: 'terraform_data',
      terraformGeneratorMetadata: { providerName: 'terraform' },
      dependsOn: config.dependsOn,
      provisioners: config.provisioners,
    });
    checkVersionOnce(TerraformStack.of(this));
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      input: hashMapper(anyToTerraform)(this.config.input),
      triggers_replace: hashMapper(anyToTerraform)(this.config.triggersReplace),
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      input: hashMapperHcl(anyToHclTerraform)(this.config.input),
      triggers_replace: hashMapperHcl(anyToHclTerraform)(this.config.triggersReplace),
    };
  }
}

const checked = new WeakSet<TerraformStack>();

function checkVersionOnce(stack: TerraformStack): void {
  if (checked.has(stack)) return;
  checked.add(stack);
  stack.node.addValidation(TERRAFORM_VERSION);
}

/**
 * terraform_data needs Terraform 1.4. Checked when the app validates (cdktf synth), once per stack; a
 * machine without terraform (a synth-only pipeline job) is not an error here, the deploy needs it anyway.
 */
const TERRAFORM_VERSION: IValidation = {
  validate(): string[] {
    const r = spawnSync(process.env.TERRAFORM_BINARY_NAME || 'terraform', ['version', '-json'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.status !== 0 || !r.stdout) return [];
    let version = '';
    try {
      version = (JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version ?? '';
    } catch {
      return [];
    }
    const [major, minor] = version.split('.').map(Number);
    return major > 1 || (major === 1 && minor >= 4)
      ? []
      : [
          `terraform ${version} is too old for the terraform_data lifecycle resources of cdktf-okta-aerial; ` +
            `use Terraform 1.4 or newer (or rendering 'null_resource')`,
        ];
  },
};
