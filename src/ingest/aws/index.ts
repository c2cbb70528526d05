import type { Adapter } from '../adapter.js';
import { cloudFormationAdapter } from '../cloudformation.js';
import { terraformAdapter } from '../terraform/adapter.js';
import { terraformPlanAdapter } from '../terraform/plan.js';
import { policyFileAdapter } from '../policy-file.js';

/** CloudFormation and Terraform inputs, mapped onto the same graph (NITRO-FACTS §7). */
export const awsAdapters: readonly Adapter[] = [
  terraformPlanAdapter,
  cloudFormationAdapter,
  terraformAdapter,
  // Standalone key policy files (aws kms put-key-policy --policy file://…): after the templates and plans.
  policyFileAdapter,
];
