import { defineRule } from '../src/engine/rule.js';
import { provenanceOf } from '../src/model/provenance.js';
import { isUnknown } from '../src/model/unknown.js';
import { nameOf } from '../src/model/queries.js';

export default defineRule({
  id: 'encrypted-block-storage',
  name: 'EncryptedBlockStorage',
  title: 'Every block volume is encrypted',
  severity: 'error',
  securitySeverity: 7.0,
  precision: 'high',
  tags: ['security', 'storage', 'encryption', 'external/cwe/cwe-311'],
  since: '0.1.0',
  sources: [
    'AWS Nitro System: the EBS card encrypts volumes with AES-256 at line rate',
    'Checkov CKV_AWS_3 / CKV_AWS_8 / CKV_AWS_106 (EBS encryption by default) / CKV_AWS_204 (AMI block devices)',
    'AWS Security Hub EC2.3 (attached EBS volumes encrypted at rest), EC2.7 (EBS default encryption enabled)',
    'KICS ebs_volume_encryption_disabled, ebs_default_encryption_disabled, launch_configuration_is_not_encrypted, ami_not_encrypted',
    'EC2 user guide, "Encryption by default": volumes from snapshots inherit their encryption unless it is on',
  ],
  appliesTo: ['volume', 'account'],
  rationale:
    'Block storage outlives the guest that wrote it and travels over the storage network. Encrypting every volume (EBS and instance storage) keeps its data unreadable to the storage fleet, to the next tenant of the same blocks and to anyone holding a snapshot without the key.',
  fix: 'Set encrypted: true on the volume (in AWS, Encrypted: true with a KMS key, or turn on EBS encryption by default for the account and region).',
  messages: {
    unencrypted: "Volume '{{volume}}' is not encrypted.",
    undecided: "Cannot tell whether volume '{{volume}}' is encrypted: {{reason}}.",
    unencryptedByDefault:
      "Volume '{{volume}}' does not set encryption and the scan declares no EBS encryption by default, so AWS creates it unencrypted.",
    defaultOff:
      "EBS encryption by default is turned off ('{{account}}'): volumes of this account and region that do not ask for encryption are created unencrypted.",
  },
  check(graph, context) {
    // AWS inputs: an unset Encrypted follows the account's EBS encryption by default (https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html).
    const accounts = graph.nodes('account');
    const byDefault = accounts.some((a) => a.ebsEncryptionByDefault === true)
      ? true
      : (accounts.map((a) => a.ebsEncryptionByDefault).find(isUnknown) ?? false);
    // --- aws_ebs_encryption_by_default { enabled = false } (Security Hub EC2.7)
    for (const account of accounts) {
      if (account.ebsEncryptionByDefault !== false) continue;
      context.report({
        messageId: 'defaultOff',
        data: { account: nameOf(account) },
        subject: account,
        property: 'ebsEncryptionByDefault',
      });
    }
    for (const volume of graph.nodes('volume')) {
      // Made from a snapshot: encryption by default encrypts it whatever the snapshot is.
      if (volume.encryptionFromSnapshot && isUnknown(volume.encrypted) && byDefault === true) continue;
      // Unset, so the AWS default made it unencrypted: EBS encryption by default declared anywhere in the
      // scan (an `account` node) encrypts it instead (https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html).
      if (volume.encrypted === false && provenanceOf(volume, 'encrypted', volume.encrypted).how === 'defaulted') {
        if (byDefault === true) continue;
        if (isUnknown(byDefault)) {
          context.report({
            messageId: 'undecided',
            data: { volume: nameOf(volume), reason: `encryption by default ${byDefault.reason}` },
            subject: volume,
            severity: 'note',
          });
        } else {
          context.report({ messageId: 'unencryptedByDefault', data: { volume: nameOf(volume) }, subject: volume });
        }
        continue;
      }
      if (isUnknown(volume.encrypted)) {
        const property = volume.at.encrypted ? 'encrypted' : undefined;
        context.report({
          messageId: 'undecided',
          data: { volume: nameOf(volume), reason: volume.encrypted.reason },
          subject: volume,
          property,
          severity: 'note',
        });
      } else if (!volume.encrypted) {
        context.report({
          messageId: 'unencrypted',
          data: { volume: nameOf(volume) },
          subject: volume,
          property: 'encrypted',
        });
      }
    }
  },
});
