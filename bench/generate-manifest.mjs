// Generates a host manifest of N hosts, each with a hypervisor, controller, cards and three tenants'
// instances (volumes, NICs with ingress rules), one of them the parent of an enclave. A few hosts carry
// violations so rules have work to report. Prints nothing; returns the text.
//
// `{ violating: true }` makes every host break the same rules the few do (unencrypted volumes, SSH open to
// the world, debug-mode enclaves): a report with findings in proportion to the input (issue 22's large outputs).
export function generateManifest(hosts, format = 'json', { violating = false } = {}) {
  const manifest = {
    apiVersion: 'isolint/v1',
    metadata: { name: `bench-${hosts}`, environment: 'production' },
    principals: [
      { id: 'control-plane', kind: 'control-plane' },
      { id: 'ops', kind: 'operator', mfa: true },
    ],
    networks: [],
    hosts: [],
    channels: [],
  };
  const tenants = 50;
  for (let t = 0; t < tenants; t++) manifest.networks.push({ id: `vpc-${t}`, tenant: `tenant-${t}` });
  for (let h = 0; h < hosts; h++) {
    const host = `host-${h}`;
    const instances = [];
    for (let i = 0; i < 3; i++) {
      const id = `${host}-vm-${i}`;
      const tenant = (h * 3 + i) % tenants;
      const instance = {
        id,
        tenant: `tenant-${tenant}`,
        vcpus: 8,
        memory: '32GiB',
        volumes: [{ id: `${id}-root`, kind: 'ebs', encrypted: !violating && h % 97 !== 0, wipe: 'on-release' }],
        nics: [
          {
            id: `${id}-eth0`,
            network: `vpc-${tenant}`,
            ingress: [
              { ports: violating || h % 89 === 0 ? 22 : 443, from: '0.0.0.0/0' },
              ...(violating
                ? [
                    { ports: 3389, from: '0.0.0.0/0' },
                    { ports: 22, from: '::/0' },
                    { ports: 3389, from: '::/0' },
                  ]
                : []),
            ],
          },
        ],
      };
      if (i === 0) {
        instance.allocator = { cpuCount: 4, memory: '8GiB' };
        instance.enclaves = [
          {
            id: `${id}-enclave`,
            vcpus: 2,
            memory: '4GiB',
            cid: 16,
            debug: violating || h % 101 === 0,
            image: { expectedPcrs: { PCR0: 'a'.repeat(96) } },
            vsock: [{ to: 'parent', port: 8000 }],
          },
        ];
      }
      instances.push(instance);
    }
    manifest.hosts.push({
      id: host,
      cores: 48,
      threadsPerCore: 2,
      memory: '384GiB',
      memoryScrubbing: true,
      rootOfTrust: { kind: 'security-chip', controllerBoot: 'private-storage' },
      hypervisor: { kind: 'nitro', reserved: { cores: 2, memory: '16GiB' }, firewall: true },
      controller: { kind: 'nitro' },
      cards: [{ kind: 'vpc' }, { kind: 'ebs' }],
      access: [{ method: 'api', from: 'ops', target: 'controller', authenticated: true, audited: true }],
      instances,
    });
    manifest.channels.push({
      from: 'control-plane',
      to: `${host}/controller`,
      protocol: 'https',
      authenticated: true,
      encrypted: true,
    });
  }
  return format === 'json' ? JSON.stringify(manifest, null, 1) : toYaml(manifest);
}

/** Block-style YAML, written directly (the yaml library's stringify is slow at this size). */
function toYaml(value, indent = '') {
  const scalar = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (item !== null && typeof item === 'object') {
          const body = toYaml(item, `${indent}  `);
          return `${indent}- ${body.slice(indent.length + 2)}`;
        }
        return `${indent}- ${scalar(item)}\n`;
      })
      .join('');
  }
  return Object.entries(value)
    .map(([key, v]) => {
      if (v !== null && typeof v === 'object') {
        if (Array.isArray(v) && v.length === 0) return `${indent}${key}: []\n`;
        return `${indent}${key}:\n${toYaml(v, `${indent}  `)}`;
      }
      return `${indent}${key}: ${scalar(v)}\n`;
    })
    .join('');
}
