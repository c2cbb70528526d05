import type { Adapter } from '../adapter.js';
import { cloudFormationAdapter } from '../cloudformation.js';
import { terraformAdapter } from '../terraform/adapter.js';
import { terraformPlanAdapter } from '../terraform/plan.js';

/** CloudFormation and Terraform inputs, mapped onto the same graph (NITRO-FACTS §7). */
export const awsAdapters: readonly Adapter[] = [terraformPlanAdapter, cloudFormationAdapter, terraformAdapter];
