import type { InlineSuppression } from '../../model/nodes.js';
import { NO_SPANS } from '../../model/nodes.js';
import type { Default } from '../../model/provenance.js';
import type { SourceSpan } from '../../model/source.js';
import { isUnknown, unknown, type Maybe } from '../../model/unknown.js';
import type { AwsFragment } from './fragment.js';
import { isRecord, toBoolean, toText } from './values.js';

/**
 * The AWS defaults, decided here once for every format that describes AWS resources: CloudFormation
 * (src/ingest/cloudformation.ts, and CDK through the templates it synthesises), Terraform HCL and plan JSON
 * (src/ingest/terraform/resources.ts). Each mapper reads the values as its format spells them and hands them
 * here; what it gets back says which values were written and which defaults decided the rest
 * (src/model/provenance.ts). A mapper never applies an AWS default of its own.
 */

// ---------------------------------------------------------------------------------------------
// Instance metadata options (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html)

/** A machine's metadata options as its format spells them. */
export interface MetadataOptionsInput {
  /** The options block: a map, an Unknown, or undefined when the machine has none. */
  block: unknown;
  /** HttpTokens / http_tokens in the block (undefined when unset). */
  tokens: unknown;
  /** HttpEndpoint / http_endpoint in the block (undefined when unset). */
  endpoint: unknown;
  /** The AMI the machine starts from, as written (ImageId, ami, image_id). */
  image: unknown;
  /** Started from a launch template of the scan: what the machine leaves unset comes from the template. */
  inherits: boolean;
  /** The format's name of the tokens setting, for reasons: HttpTokens, http_tokens. */
  setting: string;
}

export interface MetadataOptions {
  metadataTokens?: Maybe<'required' | 'optional'>;
  metadataEndpoint?: Maybe<'enabled' | 'disabled'>;
  /** The defaults applied, by property name (metadataTokens, metadataEndpoint). */
  defaults: Record<string, Default>;
}

const ENDPOINT_DEFAULT: Default = {
  name: 'AWS default for instance metadata',
  why: 'HttpEndpoint is not set: the metadata endpoint is enabled',
};

export function metadataOptions(input: MetadataOptionsInput): MetadataOptions {
  const defaults: Record<string, Default> = {};
  const result: MetadataOptions = { defaults };
  const unsetTokens = () => {
    const tokens = unsetMetadataTokens(input.image, input.setting);
    if (tokens.default) defaults.metadataTokens = tokens.default;
    return tokens.value;
  };
  if (isRecord(input.block)) {
    const tokens = toText(input.tokens);
    result.metadataTokens =
      tokens === undefined
        ? unsetTokens()
        : isUnknown(tokens)
          ? tokens
          : tokens === 'required'
            ? 'required'
            : 'optional';
    const endpoint = toText(input.endpoint);
    if (endpoint === undefined) defaults.metadataEndpoint = ENDPOINT_DEFAULT;
    result.metadataEndpoint =
      endpoint === undefined
        ? 'enabled'
        : isUnknown(endpoint)
          ? endpoint
          : endpoint === 'disabled'
            ? 'disabled'
            : 'enabled';
  } else if (isUnknown(input.block)) {
    if (!input.inherits) result.metadataTokens = result.metadataEndpoint = input.block;
  } else if (!input.inherits) {
    result.metadataTokens = unsetTokens();
    result.metadataEndpoint = 'enabled';
    defaults.metadataEndpoint = ENDPOINT_DEFAULT;
  }
  return result;
}

/**
 * HttpTokens a machine gets when its input leaves it unset, from its AMI as far as the input names it.
 * EC2 applies the AMI's ImdsSupport: AMIs registered with `v2.0` (Amazon Linux 2023's public AMIs among
 * them) require tokens, every other AMI accepts IMDSv1 unless the account's IMDS defaults say otherwise
 * ("Configure the Instance Metadata Service options", EC2 user guide; AL2023 user guide, "IMDSv2").
 * Launch templates and instances alike: a launch template's unset HttpTokens leaves the choice to the
 * same AMI and account defaults when an instance is launched from it.
 */
function unsetMetadataTokens(
  image: unknown,
  setting: string,
): { value: Maybe<'required' | 'optional'>; default?: Default } {
  const text = typeof image === 'string' ? image : undefined;
  if (text === undefined || text.trim() === '') {
    const why = isUnknown(image) ? `the AMI is not known here (${image.reason})` : 'no AMI is named here';
    return {
      value: unknown(`${setting} is not set and ${why}: the AMI's ImdsSupport and the account's IMDS defaults decide`),
    };
  }
  const applied: Default = {
    name: 'AWS default for the AMI',
    why: `${setting} is not set: EC2 applies the ImdsSupport of the AMI`,
    basedOn: text,
  };
  // Public SSM parameters (/aws/service/ami-amazon-linux-latest/al2023-ami-…) and `resolve:ssm:` references to them.
  return { value: /al2023|amazon-linux-2023/i.test(text) ? 'required' : 'optional', default: applied };
}

// ---------------------------------------------------------------------------------------------
// Enclave options (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnclaveOptionsRequest.html)

const ENCLAVES_OFF: Default = {
  name: 'AWS default for instances',
  why: 'EnclaveOptions is not set: Nitro Enclaves are off',
};

/** EnclaveOptions / enclave_options and its Enabled / enabled, as written. */
export function enclaveOptions(
  block: unknown,
  enabled: unknown,
  inherits: boolean,
): { enclaveEnabled?: Maybe<boolean>; default?: Default } {
  if (isRecord(block)) {
    const value = toBoolean(enabled);
    return value === undefined ? { enclaveEnabled: false, default: ENCLAVES_OFF } : { enclaveEnabled: value };
  }
  if (isUnknown(block)) return { enclaveEnabled: block };
  return inherits ? {} : { enclaveEnabled: false, default: ENCLAVES_OFF };
}

// ---------------------------------------------------------------------------------------------
// EBS encryption (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html)

/** Why a volume made from a snapshot is neither encrypted nor not: the snapshot decides. */
export const FROM_SNAPSHOT =
  'made from a snapshot, whose encryption it inherits unless the scan declares EBS encryption by default';

/**
 * Unset `encrypted` is false: EC2 creates the volume unencrypted unless EBS encryption by default is on
 * for the account (https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html), which
 * encrypted-block-storage weighs against the scan's account settings.
 */
export const EBS_UNENCRYPTED: Default = {
  name: 'AWS default for EBS volumes',
  why: 'encryption is not set: EC2 creates the volume unencrypted unless EBS encryption by default is on',
};

export interface EbsEncryption {
  encrypted: Maybe<boolean>;
  /** Made from a snapshot (an AMI's root snapshot included), whose encryption it inherits. */
  encryptionFromSnapshot?: true;
  /** Set when the AWS default decided `encrypted`. */
  default?: Default;
  /** Whether `encrypted` is written (the mapper puts its span in `at.encrypted`). */
  written: boolean;
}

/**
 * `Encrypted` / `encrypted` of a volume or a block device mapping: unset means unencrypted (the AWS
 * default) unless the volume is made from a snapshot, whose encryption it inherits.
 */
export function ebsEncryption(input: {
  /** The volume or mapping: a map, or an Unknown. */
  container: unknown;
  encrypted: unknown;
  /** The volume names a snapshot. */
  fromSnapshot: boolean;
  /** The volume is a machine's root device, made from its AMI's root snapshot. */
  fromImage?: boolean;
}): EbsEncryption {
  if (isUnknown(input.container)) return { encrypted: input.container, written: false };
  const value = toBoolean(input.encrypted);
  if (value !== undefined) return { encrypted: value, written: true };
  if (input.fromSnapshot || input.fromImage) {
    return {
      encrypted: unknown(
        input.fromImage ? "made from the AMI's root snapshot, whose encryption it inherits" : FROM_SNAPSHOT,
      ),
      encryptionFromSnapshot: true,
      written: false,
    };
  }
  return { encrypted: false, default: EBS_UNENCRYPTED, written: false };
}

/**
 * The root volume of a machine whose input maps none: EC2 makes it from the AMI's root snapshot and it
 * inherits that snapshot's encryption, unless encryption by default is on ("Encryption by default", EC2
 * user guide). Decided the same way in every format: a note, not a pass.
 */
export function addImageRootVolume(
  fragment: AwsFragment,
  machine: { id: string; label: string; source: SourceSpan; suppressions: readonly InlineSuppression[] },
): void {
  const id = `${machine.id}/root-volume`;
  if (fragment.has(id)) return;
  fragment.add({
    kind: 'volume',
    id,
    label: `${machine.label} root volume (from its AMI)`,
    volumeKind: 'ebs',
    encrypted: unknown(
      "made from the AMI's root snapshot, whose encryption it inherits unless the scan declares EBS encryption by default",
    ),
    encryptionFromSnapshot: true,
    wipe: 'on-release',
    source: machine.source,
    at: NO_SPANS,
    suppressions: machine.suppressions,
  });
  fragment.edge('attaches', id, machine.id, machine.source);
}
