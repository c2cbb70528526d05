/**
 * EC2 instance types of the current Nitro families: vCPUs, cores, threads per core, memory, and whether the
 * type can be an enclave parent, as AWS publishes them:
 * - sizes, vCPUs, memory, cores and threads per core: the Amazon EC2 Instance Types guide,
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (general purpose),
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html (compute optimized),
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html (memory optimized),
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/so.html (storage optimized),
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html (accelerated computing),
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/hpc.html (high-performance computing);
 *   bare metal from the 7th generation on is named `metal-24xl`/`metal-48xl`, not `metal`;
 * - enclave parents: the family list in the Nitro Enclaves requirements,
 *   https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave.html#nitro-enclave-reqs: every listed
 *   family except its smallest sizes and its bare-metal sizes; families not listed (T3, T3a, T4g, A1, the -flex
 *   types, C7gn, C8a, Im4gn, Is4gen, HPC, Mac, U-*) cannot run enclaves; "You cannot enable hibernation and
 *   enclaves on the same instance" (same page).
 * Within a family the sizes follow one ratio of memory to vCPUs; the exceptions AWS lists are written out.
 * `aws ec2 describe-instance-types` output given with `--instance-types FILE` extends or corrects the table
 * (src/engine/instance-types.ts). A type missing from both leaves capacity unknown.
 *
 * Sibling layout: the enclave CPU pool must be full cores, and CPU 0 and its siblings stay with the parent (the
 * kernel driver's sample, https://github.com/torvalds/linux/blob/master/samples/nitro_enclaves/ne_ioctl_sample.c).
 * AWS's specification pages do not publish the numbering: on Intel instances with two threads per core, Linux
 * is observed to number the second thread of core n as n + vcpus/2 (`lscpu -e`,
 * /sys/devices/system/cpu/cpuN/topology/thread_siblings_list); on AMD the pairs are
 * not documented per type, so the table does not claim a layout there; Graviton, the AMD families from the
 * 7th generation on and Hpc6a have one thread per core.
 */
export interface InstanceTypeSpec {
  vcpus: number;
  memoryMiB: number;
  /** 2 on Intel/AMD (SMT on by default), 1 on Graviton. */
  threadsPerCore: number;
  cores: number;
  /** Whether the type can run Nitro Enclaves. */
  enclaves: boolean;
  /** How Linux numbers the two threads of a core, where known: `split` = n and n + vcpus/2, `adjacent` = 2k and 2k + 1. */
  siblings?: 'split' | 'adjacent' | 'none';
  /** Where the facts come from: the built-in table, or a describe-instance-types file. */
  from?: string;
}

const GIB = 1024;

/** vCPUs of the usual size names. */
const SIZE_VCPUS: Record<string, number> = {
  nano: 2,
  micro: 2,
  small: 2,
  medium: 1,
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '3xlarge': 12,
  '4xlarge': 16,
  '6xlarge': 24,
  '8xlarge': 32,
  '9xlarge': 36,
  '12xlarge': 48,
  '16xlarge': 64,
  '18xlarge': 72,
  '24xlarge': 96,
  '32xlarge': 128,
  '48xlarge': 192,
  '56xlarge': 224,
  '96xlarge': 384,
};

type Cpu = 'intel' | 'amd' | 'graviton';

/**
 * [family, cpu, GiB per vCPU, sizes, metal]: metal is the vCPUs of `family.metal` (0: none), or the names of
 * the bare-metal sizes from the 7th generation on (`metal-24xl` = the 24xlarge's 96 vCPUs).
 */
const FAMILIES: Array<[string, Cpu, number, string, number | string]> = [
  // General purpose (gp.html)
  ['m5', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['m5d', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['m5n', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['m5dn', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['m5zn', 'intel', 4, 'large xlarge 2xlarge 3xlarge 6xlarge 12xlarge', 48],
  ['m5a', 'amd', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 0],
  ['m5ad', 'amd', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 0],
  ['m6i', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['m6id', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['m6in', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['m6idn', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['m6a', 'amd', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge', 192],
  [
    'm7i',
    'intel',
    4,
    'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  [
    'm7a',
    'amd',
    4,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge',
    'metal-48xl',
  ],
  [
    'm8i',
    'intel',
    4,
    'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
    'metal-48xl metal-96xl',
  ],
  [
    'm8a',
    'amd',
    4,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  ['m6g', 'graviton', 4, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['m6gd', 'graviton', 4, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['m7g', 'graviton', 4, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['m7gd', 'graviton', 4, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  [
    'm8g',
    'graviton',
    4,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  [
    'm8gd',
    'graviton',
    4,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  // Compute optimized (co.html)
  ['c5', 'intel', 2, 'large xlarge 2xlarge 4xlarge 9xlarge 12xlarge 18xlarge 24xlarge', 96],
  ['c5d', 'intel', 2, 'large xlarge 2xlarge 4xlarge 9xlarge 12xlarge 18xlarge 24xlarge', 96],
  ['c5n', 'intel', 2.625, 'large xlarge 2xlarge 4xlarge 9xlarge 18xlarge', 72],
  ['c5a', 'amd', 2, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 0],
  ['c5ad', 'amd', 2, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 0],
  ['c6i', 'intel', 2, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['c6id', 'intel', 2, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['c6in', 'intel', 2, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['c6a', 'amd', 2, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge', 192],
  [
    'c7i',
    'intel',
    2,
    'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  [
    'c7a',
    'amd',
    2,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge',
    'metal-48xl',
  ],
  [
    'c8i',
    'intel',
    2,
    'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
    'metal-48xl metal-96xl',
  ],
  ['c8a', 'amd', 2, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge', ''],
  ['c6g', 'graviton', 2, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['c6gd', 'graviton', 2, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['c6gn', 'graviton', 2, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 0],
  ['c7g', 'graviton', 2, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['c7gd', 'graviton', 2, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['c7gn', 'graviton', 2, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  [
    'c8g',
    'graviton',
    2,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  [
    'c8gd',
    'graviton',
    2,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  // Memory optimized (mo.html)
  ['r5', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['r5d', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['r5n', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['r5dn', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['r5b', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 96],
  ['r5a', 'amd', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 0],
  ['r5ad', 'amd', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge', 0],
  ['r6i', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['r6id', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['r6in', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['r6idn', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['r6a', 'amd', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge', 192],
  [
    'r7i',
    'intel',
    8,
    'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  ['r7iz', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 32xlarge', 'metal-16xl metal-32xl'],
  [
    'r7a',
    'amd',
    8,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge',
    'metal-48xl',
  ],
  [
    'r8i',
    'intel',
    8,
    'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge 48xlarge 96xlarge',
    'metal-48xl metal-96xl',
  ],
  [
    'r8a',
    'amd',
    8,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  ['r6g', 'graviton', 8, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['r6gd', 'graviton', 8, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['r7g', 'graviton', 8, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  ['r7gd', 'graviton', 8, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  [
    'r8g',
    'graviton',
    8,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  [
    'r8gd',
    'graviton',
    8,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  ['x2idn', 'intel', 16, '16xlarge 24xlarge 32xlarge', 128],
  ['x2iedn', 'intel', 32, 'xlarge 2xlarge 4xlarge 8xlarge 16xlarge 24xlarge 32xlarge', 128],
  ['x2iezn', 'intel', 32, '2xlarge 4xlarge 6xlarge 8xlarge 12xlarge', 48],
  ['x2gd', 'graviton', 16, 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 64],
  [
    'x8g',
    'graviton',
    16,
    'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  ['z1d', 'intel', 8, 'large xlarge 2xlarge 3xlarge 6xlarge 12xlarge', 48],
  // Storage optimized (so.html)
  ['i3en', 'intel', 8, 'large xlarge 2xlarge 3xlarge 6xlarge 12xlarge 24xlarge', 96],
  ['i4i', 'intel', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge', 128],
  [
    'i7i',
    'intel',
    8,
    'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  [
    'i7ie',
    'intel',
    8,
    'large xlarge 2xlarge 3xlarge 6xlarge 12xlarge 18xlarge 24xlarge 48xlarge',
    'metal-24xl metal-48xl',
  ],
  ['im4gn', 'graviton', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 16xlarge', 0],
  ['is4gen', 'graviton', 6, 'medium large xlarge 2xlarge 4xlarge 8xlarge', 0],
  ['i4g', 'graviton', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 16xlarge', 0],
  ['i8g', 'graviton', 8, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge', 'metal-24xl'],
  ['d3', 'intel', 8, 'xlarge 2xlarge 4xlarge 8xlarge', 0],
  ['d3en', 'intel', 4, 'xlarge 2xlarge 4xlarge 6xlarge 8xlarge 12xlarge', 0],
  // Accelerated computing and HPC (ac.html, hpc.html)
  ['g5', 'amd', 4, 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge', 0],
  ['inf1', 'intel', 2, 'xlarge 2xlarge 6xlarge 24xlarge', 0],
  ['hpc6a', 'amd', 4, '48xlarge', 0],
  // Burstable: Nitro, but never enclave parents (nitro-enclave.html#nitro-enclave-reqs)
  ['t3', 'intel', 4, 'nano micro small medium large xlarge 2xlarge', 0],
  ['t3a', 'amd', 4, 'nano micro small medium large xlarge 2xlarge', 0],
  ['t4g', 'graviton', 4, 'nano micro small medium large xlarge 2xlarge', 0],
  ['m7i-flex', 'intel', 4, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 0],
  ['c7i-flex', 'intel', 2, 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge', 0],
];

/** Where a size does not follow its family's ratio (the specification pages list these). [vCPUs, GiB] */
const EXCEPTIONS: Record<string, [number, number]> = {
  'c5.9xlarge': [36, 72],
  'c5.18xlarge': [72, 144],
  'c5d.9xlarge': [36, 72],
  'c5d.18xlarge': [72, 144],
  'c5n.large': [2, 5.25],
  'c5n.xlarge': [4, 10.5],
  'c5n.2xlarge': [8, 21],
  'c5n.4xlarge': [16, 42],
  'c5n.9xlarge': [36, 96],
  'c5n.18xlarge': [72, 192],
  'c5n.metal': [72, 192],
  'c6gn.medium': [1, 2],
  'hpc6a.48xlarge': [96, 384],
  't3.nano': [2, 0.5],
  't3.micro': [2, 1],
  't3.small': [2, 2],
  't3.medium': [2, 4],
  't3.large': [2, 8],
  't3.xlarge': [4, 16],
  't3.2xlarge': [8, 32],
  't3a.nano': [2, 0.5],
  't3a.micro': [2, 1],
  't3a.small': [2, 2],
  't3a.medium': [2, 4],
  't3a.large': [2, 8],
  't3a.xlarge': [4, 16],
  't3a.2xlarge': [8, 32],
  't4g.nano': [2, 0.5],
  't4g.micro': [2, 1],
  't4g.small': [2, 2],
  't4g.medium': [2, 4],
  't4g.large': [2, 8],
  't4g.xlarge': [4, 16],
  't4g.2xlarge': [8, 32],
  'x2idn.16xlarge': [64, 1024],
  'x2idn.24xlarge': [96, 1536],
  'x2idn.32xlarge': [128, 2048],
  'x2idn.metal': [128, 2048],
  'd3.xlarge': [4, 32],
  'd3.2xlarge': [8, 64],
  'd3.4xlarge': [16, 128],
  'd3.8xlarge': [32, 256],
  'd3en.xlarge': [4, 16],
  'd3en.2xlarge': [8, 32],
  'd3en.4xlarge': [16, 64],
  'd3en.6xlarge': [24, 96],
  'd3en.8xlarge': [32, 128],
  'd3en.12xlarge': [48, 192],
  'i3en.large': [2, 16],
  'i3en.3xlarge': [12, 96],
  'i3en.6xlarge': [24, 192],
  'i3en.12xlarge': [48, 384],
  'i3en.24xlarge': [96, 768],
  'im4gn.large': [2, 8],
  'is4gen.medium': [1, 6],
};

/**
 * The families AWS lists as enclave parents (nitro-enclave.html#nitro-enclave-reqs), each with the smallest
 * size it admits in vCPUs: the list names every family with its excluded sizes (the smallest one or two, and
 * the bare-metal sizes). A family missing here (T3, T3a, T4g, A1, the -flex types, C7gn, C8a, Im4gn, Is4gen,
 * HPC, Mac, U-*) cannot run enclaves.
 */
const ENCLAVE_FAMILIES: Record<string, number> = (() => {
  const min: Record<string, number> = {};
  const x86 = `m5 m5a m5ad m5d m5dn m5n m5zn m6a m6i m6id m6idn m6in m7a m7i m8i c5 c5a c5ad c5d c5n c6a c6i c6id c6in
    c7a c7i c8i r5 r5a r5ad r5b r5d r5dn r5n r6a r6i r6id r6idn r6in r7a r7i r7iz r8i z1d i3en i4i i7i i7ie`;
  for (const family of x86.split(/\s+/)) min[family] = 4;
  // Graviton, and the 8th-generation AMD families (one thread per core), exclude only the 1-vCPU medium.
  const perCore = `m6g m6gd m7g m7gd m8g m8gd m8a c6g c6gd c6gn c7g c7gd c8g c8gd r6g r6gd r7g r7gd r8g r8gd r8a x2gd
    x8g i8g`;
  for (const family of perCore.split(/\s+/)) min[family] = 2;
  // Listed with "All instance types" (the metal sizes excepted where they exist).
  for (const family of 'x2idn x2iedn x2iezn d3 d3en i4g g5 inf1'.split(' ')) min[family] = 1;
  return min;
})();

function enclaveCapable(family: string, vcpus: number, metal: boolean): boolean {
  const min = ENCLAVE_FAMILIES[family];
  return !metal && min !== undefined && vcpus >= min;
}

function buildTable(): Map<string, InstanceTypeSpec> {
  const table = new Map<string, InstanceTypeSpec>();
  for (const [family, cpu, ratio, sizes, metalVcpus] of FAMILIES) {
    // Graviton, and the AMD families from the 7th generation on (m7a, c7a, r7a, m8a…), run one thread per core.
    const threads = cpu === 'graviton' || /^([mcr][78]a|hpc6a)$/.test(family) ? 1 : 2;
    const entries: Array<readonly [string, number]> = sizes.split(' ').map((size) => [size, SIZE_VCPUS[size]] as const);
    if (typeof metalVcpus === 'number' && metalVcpus) entries.push(['metal', metalVcpus] as const);
    if (typeof metalVcpus === 'string' && metalVcpus) {
      for (const metal of metalVcpus.split(' '))
        entries.push([metal, SIZE_VCPUS[metal.replace('metal-', '').replace('xl', 'xlarge')]]);
    }
    for (const [size, sizeVcpus] of entries) {
      const name = `${family}.${size}`;
      const [vcpus, gib] = EXCEPTIONS[name] ?? [sizeVcpus, sizeVcpus * ratio];
      // T-family mediums and larges run two threads of one core each; the medium Graviton/AMD sizes have one vCPU.
      const typeThreads = vcpus === 1 ? 1 : threads;
      table.set(name, {
        vcpus,
        memoryMiB: Math.round(gib * GIB),
        threadsPerCore: typeThreads,
        cores: vcpus / typeThreads,
        enclaves: enclaveCapable(family, vcpus, size.startsWith('metal')),
        siblings: typeThreads === 1 ? 'none' : cpu === 'intel' ? 'split' : undefined,
        from: 'the built-in table',
      });
    }
  }
  return table;
}

let builtIn: Map<string, InstanceTypeSpec> | undefined;

/** The number of types the built-in table knows (tests and `isolint explain` show it). */
export function builtInInstanceTypeCount(): number {
  return (builtIn ??= buildTable()).size;
}

/** A type's facts: from `extra` (a describe-instance-types file) first, then the built-in table. */
export function instanceTypeSpec(
  instanceType: string,
  extra?: ReadonlyMap<string, InstanceTypeSpec>,
): InstanceTypeSpec | undefined {
  const name = instanceType.trim().toLowerCase();
  return extra?.get(name) ?? (builtIn ??= buildTable()).get(name);
}

/**
 * The hardware threads of one core, for a CPU of a type whose layout is known: with `split` numbering the
 * siblings of CPU n are n mod (vcpus/2) and that + vcpus/2.
 */
export function coreSiblings(spec: InstanceTypeSpec, cpu: number): number[] | undefined {
  if (spec.siblings === 'none' || spec.threadsPerCore === 1) return [cpu];
  if (spec.siblings === 'split') {
    const half = spec.vcpus / 2;
    const first = cpu % half;
    return [first, first + half];
  }
  if (spec.siblings === 'adjacent') {
    const first = cpu - (cpu % 2);
    return [first, first + 1];
  }
  return undefined;
}

/**
 * What attribute-based instance type selection (InstanceRequirements) decides: only minimums, so the machine
 * EC2 picks has at least these vCPUs and this memory, and may have exactly that
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-mixed-instances-group-attribute-based-instance-type-selection.html).
 */
export const SELECTION_MINIMUM = {
  name: 'InstanceRequirements minimum',
  why: 'attribute-based selection sets only minimums: EC2 may pick a type this small',
} as const;
