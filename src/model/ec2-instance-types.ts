/**
 * A small table of enclave-capable EC2 instance types: vCPUs, memory and threads per core as AWS publishes
 * them (Amazon EC2 "Instance types" specifications, docs.aws.amazon.com/ec2/latest/instancetypes/gp.html,
 * co.html, mo.html: "vCPUs", "Memory (GiB)", "Threads per core"). Only families the Nitro Enclaves requirements
 * (https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave.html#nitro-enclave-reqs) list as able to host enclaves (Intel/AMD with at least 4 vCPUs, Graviton with at least 2, excluding the listed
 * families) are here. Data only: a type missing from the table simply leaves capacity unknown.
 */
export interface InstanceTypeSpec {
  vcpus: number;
  memoryMiB: number;
  /** 2 on Intel/AMD (SMT on by default), 1 on Graviton. */
  threadsPerCore: number;
}

const GIB = 1024;

/** [vCPUs, GiB, threads per core] */
const TABLE: Record<string, [number, number, number]> = {
  // Intel, general purpose
  'm5.xlarge': [4, 16, 2],
  'm5.2xlarge': [8, 32, 2],
  'm5.4xlarge': [16, 64, 2],
  'm6i.xlarge': [4, 16, 2],
  'm6i.2xlarge': [8, 32, 2],
  'm6i.4xlarge': [16, 64, 2],
  // Intel, compute optimised
  'c5.xlarge': [4, 8, 2],
  'c5.2xlarge': [8, 16, 2],
  'c5.4xlarge': [16, 32, 2],
  'c6i.xlarge': [4, 8, 2],
  'c6i.2xlarge': [8, 16, 2],
  'c6i.4xlarge': [16, 32, 2],
  // Intel, memory optimised
  'r5.xlarge': [4, 32, 2],
  'r5.2xlarge': [8, 64, 2],
  'r6i.xlarge': [4, 32, 2],
  'r6i.2xlarge': [8, 64, 2],
  // AMD
  'm5a.xlarge': [4, 16, 2],
  'm6a.xlarge': [4, 16, 2],
  'm6a.2xlarge': [8, 32, 2],
  'c6a.xlarge': [4, 8, 2],
  'c6a.2xlarge': [8, 16, 2],
  // Graviton (one thread per core)
  'm6g.large': [2, 8, 1],
  'm6g.xlarge': [4, 16, 1],
  'm6g.2xlarge': [8, 32, 1],
  'c6g.large': [2, 4, 1],
  'c6g.xlarge': [4, 8, 1],
  'c6g.2xlarge': [8, 16, 1],
  'r6g.large': [2, 16, 1],
  'r6g.xlarge': [4, 32, 1],
};

export function instanceTypeSpec(instanceType: string): InstanceTypeSpec | undefined {
  const row = TABLE[instanceType.trim().toLowerCase()];
  return row ? { vcpus: row[0], memoryMiB: row[1] * GIB, threadsPerCore: row[2] } : undefined;
}
