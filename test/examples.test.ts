import { describe, expect, it } from 'vitest';
import { check } from '../src/check.js';
import { defaultConfig } from '../src/engine/config.js';
import { REPO_ROOT } from './helpers.js';

async function findingsOf(path: string) {
  const result = await check({ paths: [path], cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT) });
  expect(result.problems).toEqual([]);
  return result.findings.map(
    (f) => `${f.severity} ${f.ruleId} ${f.messageId} ${f.location.file}:${f.location.startLine}`,
  );
}

// The bundled examples are what the README's quick start checks: each must report exactly the
// violations planted in it, at the line of the offending element, and nothing else.
describe('bundled examples', () => {
  it('the deployment reports its seven planted violations', async () => {
    expect(await findingsOf('examples/deployment.yaml')).toEqual([
      'error no-interactive-access openPort examples/deployment.yaml:66',
      'error enclave-no-debug-mode debug examples/deployment.yaml:86',
      'error enclave-image-pcrs mismatch examples/deployment.yaml:90',
      'error enclave-image-pcrs zeros examples/deployment.yaml:91',
      'error no-oversubscription hostCpu examples/deployment.yaml:97',
      'error encrypted-block-storage unencrypted examples/deployment.yaml:120',
      'error one-way-controller-trust controllerInitiates examples/deployment.yaml:141',
    ]);
  });

  it('the layered host reports exactly its three planted violations', async () => {
    expect(await findingsOf('examples/layered')).toEqual([
      'error minimal-hypervisor-core extraDuty examples/layered/layered-host.yaml:27',
      'error attested-tenant-services unmeasured examples/layered/layered-host.yaml:57',
      'error containers-inside-vm sharedKernel examples/layered/layered-host.yaml:73',
    ]);
  });
});
