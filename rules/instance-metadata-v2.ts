import { defineRule } from '../src/engine/rule.js';
import { provenanceOf } from '../src/model/provenance.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'instance-metadata-v2',
  name: 'InstanceMetadataV2',
  title: 'Instances require IMDSv2 session tokens',
  severity: 'error',
  securitySeverity: 7.5,
  precision: 'high',
  tags: ['security', 'aws', 'credentials', 'external/cwe/cwe-918'],
  since: '0.1.0',
  sources: [
    'MetadataOptions.HttpTokens / metadata_options.http_tokens (optional | required): https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance',
    'Checkov CKV_AWS_79 (Instance Metadata Service Version 1 is not enabled)',
    'AWS Security Hub EC2.8 (EC2 instances should use IMDSv2); DataDog KICS imdsv1_is_enabled',
  ],
  appliesTo: ['instance'],
  rationale:
    "With IMDSv1 a single GET to 169.254.169.254 returns the instance role's credentials, so any request an attacker can make the instance send (a server-side request forgery, an open proxy) carries those credentials out of the instance. IMDSv2 needs a session token obtained with a PUT, which such requests cannot make. For an enclave parent the role's credentials are what its KMS keys trust.",
  fix: 'Set MetadataOptions.HttpTokens: required (CloudFormation) or metadata_options { http_tokens = "required" } (Terraform) on the instance or launch template, or disable the metadata endpoint (HttpEndpoint: disabled) when nothing needs it.',
  messages: {
    optional: "{{what}} '{{instance}}' accepts IMDSv1 requests: HttpTokens is 'optional', not 'required'.",
    unset: "{{what}} '{{instance}}' does not set HttpTokens, which defaults to 'optional' (IMDSv1 accepted).",
    undecided: "Cannot tell whether {{what}} '{{instance}}' requires IMDSv2: {{reason}}.",
    unsetImage:
      "{{what}} '{{instance}}' does not set HttpTokens and its AMI ('{{image}}') is not one registered with ImdsSupport v2.0 that isolint knows, so IMDSv1 is accepted unless the account's IMDS defaults require tokens.",
  },
  check(graph, context) {
    for (const instance of graph.nodes('instance')) {
      const tokens = instance.metadataTokens;
      if (tokens === undefined || tokens === 'required') continue;
      if (instance.metadataEndpoint === 'disabled') continue;
      const what =
        instance.awsKind === 'launch-template'
          ? 'Launch template'
          : instance.awsKind === 'launch-configuration'
            ? 'Launch configuration'
            : instance.awsKind === 'eks-node-group'
              ? 'EKS node group'
              : 'Instance';
      const name = nameOf(instance);
      const property = instance.at.metadataTokens ? 'metadataTokens' : undefined;
      const provenance = provenanceOf(instance, 'metadataTokens', tokens);
      if (provenance.how === 'unknown') {
        context.report({
          messageId: 'undecided',
          data: { what: what.toLowerCase(), instance: name, reason: provenance.reason },
          subject: instance,
          property,
          severity: 'note',
        });
      } else if (provenance.how === 'defaulted' && provenance.default.basedOn !== undefined) {
        // Not written: the AMI decides, and nothing says it requires tokens (defence in depth, a warning).
        context.report({
          messageId: 'unsetImage',
          data: { what, instance: name, image: provenance.default.basedOn },
          subject: instance,
          property: instance.at.image ? 'image' : undefined,
          severity: 'warning',
        });
      } else if (provenance.how === 'written') {
        context.report({ messageId: 'optional', data: { what, instance: name }, subject: instance, property });
      } else {
        context.report({ messageId: 'unset', data: { what, instance: name }, subject: instance });
      }
    }
  },
});
