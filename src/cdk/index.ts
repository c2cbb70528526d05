/**
 * `isolint/cdk`: isolint inside an AWS CDK app. The policy-validation plugin for `cdk synth`; the cloud
 * assembly adapter (`isolint check cdk.out`) is built into the core adapters and needs nothing from here.
 */
export { IsolintValidator } from './plugin.js';
export type { IsolintValidatorOptions } from './plugin.js';
