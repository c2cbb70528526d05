/**
 * The `nitro-cli describe-eif` JSON shape (https://docs.aws.amazon.com/enclaves/latest/user/cmd-nitro-describe-eif.html, `EifDescribeInfo` field order), so that
 * scripts written against nitro-cli read isolint's output unchanged. Our one extension is `Arch`
 * (describe-eif has no architecture field; the EIF keeps it in header flags).
 */
import type { EifDescription } from './measure.js';

/**
 * `HashAlgorithm` is the Rust Debug text of the hasher, which differs between nitro-cli builds
 * ("Sha384 { ... }" with sha2 0.9, "Sha512_48 { .. }" with 0.10): we print the form of all
 * AWS documentation examples. Nobody should key on it.
 */
export const HASH_ALGORITHM_TEXT = 'Sha384 { ... }';

export function toDescribeEifJson(description: EifDescription): Record<string, unknown> {
  const measurements: Record<string, string> = {
    HashAlgorithm: HASH_ALGORITHM_TEXT,
    PCR0: description.pcrs.PCR0,
    PCR1: description.pcrs.PCR1,
    PCR2: description.pcrs.PCR2,
  };
  if (description.pcrs.PCR8) measurements.PCR8 = description.pcrs.PCR8;

  const json: Record<string, unknown> = {
    EifVersion: description.version,
    Measurements: measurements,
    IsSigned: description.signed,
  };
  const signature = description.signature;
  if (signature) {
    const certificate = signature.certificate;
    json.SigningCertificate = {
      IssuerName: certificate.issuer,
      Algorithm: certificate.signatureAlgorithm,
      NotBefore: certificate.notBefore,
      NotAfter: certificate.notAfter,
      Signature: certificate.signature,
    };
  }
  json.CheckCRC = description.crc.ok;
  if (signature) json.SignatureCheck = signature.ok;
  const metadata = description.metadata;
  if (metadata) {
    if (metadata.imageName !== undefined) json.ImageName = metadata.imageName;
    if (metadata.imageVersion !== undefined) json.ImageVersion = metadata.imageVersion;
    // CustomMetadata is `#[serde(flatten)]` into Metadata: its keys sit beside the build fields.
    const custom =
      typeof metadata.customMetadata === 'object' &&
      metadata.customMetadata !== null &&
      !Array.isArray(metadata.customMetadata)
        ? (metadata.customMetadata as Record<string, unknown>)
        : {};
    json.Metadata = { ...metadata.buildInfo, DockerInfo: metadata.dockerInfo, ...custom };
  }
  json.Arch = description.arch;
  return json;
}
