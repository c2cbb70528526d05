import { describe, expect, it } from 'vitest';
import { check } from '../src/check.js';
import { defaultConfig } from '../src/engine/config.js';
import { REPO_ROOT } from './helpers.js';

// Scenarios span several inputs and several rules, as users' repositories do.
describe('an enclave parent described by CloudFormation, with its host-side config files beside it', () => {
  it('reports the pool too small for the enclave and the PCR pinned in KMS that the image does not measure to', async () => {
    const directory = 'fixtures/scenarios/enclave-parent-cloudformation';
    const result = await check({
      paths: [directory],
      cwd: REPO_ROOT,
      root: REPO_ROOT,
      config: defaultConfig(REPO_ROOT),
    });
    expect(result.problems).toEqual([]);
    expect(result.files.map((f) => f.format).sort()).toEqual([
      'cloudformation',
      'expected-pcrs',
      'nitro-cli-run-config',
      'nitro-enclaves-allocator',
      'vsock-proxy-allowlist',
    ]);
    const findings = result.findings.map(
      (f) => `${f.severity} ${f.ruleId} ${f.messageId} ${f.location.file}:${f.location.startLine}`,
    );
    expect(findings).toEqual([
      `error no-oversubscription poolMemory ${directory}/allocator.yaml:2`,
      `error enclave-image-pcrs kmsMismatch ${directory}/parent.yaml:43`,
      `note enclave-no-network kmsEgress ${directory}/vsock-proxy.yaml:2`,
    ]);
    const pool = result.findings.find((f) => f.messageId === 'poolMemory')!;
    expect(pool.message).toBe("Enclaves of 'Parent' need 4096 MiB of memory, but its enclave pool reserves 2048 MiB.");
  });
});
