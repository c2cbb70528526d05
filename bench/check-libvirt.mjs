// Benchmark: `check` over generated libvirt estates — 10,000 domain XMLs across 500 host directories
// (each with qemu.conf, libvirtd.conf and capabilities.xml), the layout README "Self-run hypervisors"
// describes. Prints generation size, check time, graph size, findings and peak memory; asserts nothing.
// Run after `npm run build`: node bench/check-libvirt.mjs [domains] [hosts]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const domains = Number(process.argv[2] ?? 10_000);
const hosts = Number(process.argv[3] ?? 500);
const { check } = await import('../dist/src/index.js');

const capabilities = `<capabilities>
  <host>
    <cpu><arch>x86_64</arch><topology sockets='2' dies='1' cores='16' threads='2'/></cpu>
    <topology><cells num='2'>
      <cell id='0'><memory unit='KiB'>134217728</memory></cell>
      <cell id='1'><memory unit='KiB'>134217728</memory></cell>
    </cells></topology>
  </host>
</capabilities>
`;

function domain(host, index) {
  // A mix of the shapes in HYPERVISOR-FACTS §7: most hardened, some desktop-style with an open VNC.
  const open = index % 10 === 0;
  return `<domain type='kvm'>
  <name>vm-${host}-${index}</name>
  <metadata><tenant>tenant-${index % 7}</tenant></metadata>
  <memory unit='GiB'>${4 + (index % 4) * 4}</memory>
  <vcpu placement='static'>${2 + (index % 3) * 2}</vcpu>
  <cputune><vcpupin vcpu='0' cpuset='${index % 64}'/></cputune>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/vm-${host}-${index}.qcow2'>${open ? '' : "\n        <encryption format='luks'><secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></encryption>"}
      </source>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'><source file='/isos/install.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='bridge'>
      <mac address='52:54:00:${(host % 256).toString(16).padStart(2, '0')}:${((index >> 8) % 256).toString(16).padStart(2, '0')}:${(index % 256).toString(16).padStart(2, '0')}'/>
      <source bridge='br0'/>${open ? '' : "\n      <filterref filter='clean-traffic'/>"}
    </interface>
    <graphics type='vnc' autoport='yes'${open ? " listen='0.0.0.0'" : ''}/>
    <serial type='pty'/>
  </devices>
</domain>
`;
}

const work = mkdtempSync(join(tmpdir(), 'isolint-libvirt-bench-'));
try {
  const started = performance.now();
  let bytes = 0;
  for (let h = 0; h < hosts; h++) {
    const directory = join(work, `host-${h}`);
    mkdirSync(join(directory, 'qemu'), { recursive: true });
    writeFileSync(join(directory, 'capabilities.xml'), capabilities);
    writeFileSync(join(directory, 'qemu.conf'), 'vnc_listen = "127.0.0.1"\nvnc_tls = 1\n');
    writeFileSync(join(directory, 'libvirtd.conf'), 'listen_tls = 1\nlisten_tcp = 0\n');
    for (let d = h; d < domains; d += hosts) {
      const text = domain(h, d);
      bytes += text.length;
      writeFileSync(join(directory, 'qemu', `vm-${d}.xml`), text);
    }
  }
  const generated = performance.now() - started;
  const before = performance.now();
  const result = await check({
    paths: [work],
    root: work,
    config: {
      directory: work,
      rules: {},
      failOn: 'error',
      allowInlineSuppressions: true,
      exclude: [],
      suppressions: [],
    },
  });
  const elapsed = performance.now() - before;
  const { nodes, edges } = result.graph.size;
  const bySeverity = {};
  for (const finding of result.findings) {
    const key = `${finding.severity}:${finding.ruleId}`;
    bySeverity[key] = (bySeverity[key] ?? 0) + 1;
  }
  console.log(
    `libvirt estate: ${domains} domains on ${hosts} hosts, ${result.files.length} files, ${(bytes / 1048576).toFixed(1)} MiB of domain XML (generated in ${(generated / 1000).toFixed(1)} s)`,
  );
  console.log(`check: ${(elapsed / 1000).toFixed(2)} s (${(elapsed / domains).toFixed(3)} ms per domain)`);
  console.log(
    `graph: ${nodes} nodes, ${edges} edges; findings: ${JSON.stringify(bySeverity)}; input problems: ${result.problems.length}`,
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
