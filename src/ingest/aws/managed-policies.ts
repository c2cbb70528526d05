import type { PolicyStatement } from '../../model/policy.js';
import type { SourceSpan } from '../../model/source.js';
import type { InlineSuppression } from '../../model/nodes.js';

/**
 * AWS managed policies whose bearing on KMS key use is published and stable (AWS managed policy reference,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html), reduced to what the
 * evaluator needs: whether they can let a role call KMS operations on a customer key. Any other managed policy
 * outside the scan stays unreadable, and verdicts that depend on it are notes.
 */
const KNOWN: Record<string, Array<Pick<PolicyStatement, 'effect' | 'actions' | 'notAction' | 'resources'>>> = {
  // "Provides full access to AWS services and resources."
  AdministratorAccess: [{ effect: 'Allow', actions: ['*'], resources: ['*'] }],
  // Everything but IAM and Organizations management (its IAM read and service-linked-role grants do not touch KMS).
  PowerUserAccess: [
    { effect: 'Allow', actions: ['iam:*', 'organizations:*', 'account:*'], notAction: true, resources: ['*'] },
  ],
  // Systems Manager core functionality: ssm, ssmmessages and ec2messages actions only.
  AmazonSSMManagedInstanceCore: [
    { effect: 'Allow', actions: ['ssm:*', 'ssmmessages:*', 'ec2messages:*'], resources: ['*'] },
  ],
  CloudWatchAgentServerPolicy: [
    {
      effect: 'Allow',
      actions: ['cloudwatch:PutMetricData', 'ec2:Describe*', 'logs:*', 'ssm:GetParameter'],
      resources: ['*'],
    },
  ],
  AmazonEC2ContainerRegistryReadOnly: [{ effect: 'Allow', actions: ['ecr:*'], resources: ['*'] }],
  AmazonS3ReadOnlyAccess: [
    {
      effect: 'Allow',
      actions: ['s3:Get*', 's3:List*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
      resources: ['*'],
    },
  ],
};

/** The statements of an AWS managed policy ARN isolint knows, placed at the line that attaches it. */
export function awsManagedPolicy(
  arn: string,
  source: SourceSpan,
  suppressions: readonly InlineSuppression[],
): PolicyStatement[] | undefined {
  const match = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  const known = match ? KNOWN[match[1]] : undefined;
  return known?.map((statement) => ({
    ...statement,
    principals: [],
    principalRoles: [],
    conditions: [],
    source,
    suppressions,
  }));
}
