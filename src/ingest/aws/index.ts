import type { Adapter } from '../adapter.js';
import { cloudFormationAdapter } from '../cloudformation.js';
import { terraformAdapter } from '../terraform/adapter.js';
import { terraformPlanAdapter } from '../terraform/plan.js';
import { policyFileAdapter } from '../policy-file.js';

/** CloudFormation and Terraform inputs, mapped onto the same graph (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance). */
export const awsAdapters: readonly Adapter[] = [
  terraformPlanAdapter,
  cloudFormationAdapter,
  terraformAdapter,
  // Standalone key policy files (aws kms put-key-policy --policy file://…): after the templates and plans.
  policyFileAdapter,
];
