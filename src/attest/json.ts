/** `attest --json`: every decoded field (bytes as hex, PCRs keyed "PCR<n>") and each check's verdict. */
import type { AttestationResult } from './verify.js';

export function attestationToJson(result: AttestationResult): Record<string, unknown> {
  const document = result.document;
  const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('hex'));
  return {
    verdict: result.verdict,
    ...(result.reason ? { reason: result.reason } : {}),
    verifiedAt: result.verifiedAt,
    debugMode: result.debugMode,
    document: document
      ? {
          tagged: document.tagged,
          algorithm: document.algorithm,
          payloadEncoding: document.payloadEncoding,
          moduleId: document.moduleId,
          digest: document.digest,
          timestamp: document.timestamp,
          timestampIso: new Date(document.timestamp).toISOString(),
          pcrs: Object.fromEntries(Object.entries(document.pcrs).map(([index, value]) => [`PCR${index}`, value])),
          publicKey: hex(document.publicKey),
          userData: hex(document.userData),
          nonce: hex(document.nonce),
          certificate: hex(document.certificate),
          cabundle: document.cabundle.map(hex),
          signature: hex(document.signature),
        }
      : null,
    certificates: result.certificates,
    checks: result.checks,
    ...(result.keys ? { keys: result.keys } : {}),
  };
}
