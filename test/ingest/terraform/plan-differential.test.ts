import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { check } from '../../../src/check.js';

/**
 * The same configuration as HCL and as the plan `terraform show -json` would print for it (written by
 * hand in that shape: https://developer.hashicorp.com/terraform/internals/json-format): the evaluation of
 * the HCL must give the verdicts Terraform's own evaluation gives.
 */
const directory = mkdtempSync(join(tmpdir(), 'isolint-tf-diff-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const hcl: Record<string, string> = {
  'hcl/variables.tf': `variable "tokens" {
  default = "optional"
}

variable "disks" {
  type = map(object({
    size      = number
    encrypted = optional(bool, false)
  }))
  default = {
    a = { size = 10, encrypted = true }
    b = { size = 20 }
  }
}
`,
  'hcl/main.tf': `locals {
  open = ["0.0.0.0/0"]
}

resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = { ssh = 22, https = 443 }
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = local.open
    }
  }
}

resource "aws_instance" "web" {
  count                  = 2
  ami                    = "ami-0abcdef1234567890"
  instance_type          = "m5.xlarge"
  vpc_security_group_ids = ["\${aws_security_group.web.id}"]
  metadata_options {
    http_tokens = count.index == 0 ? "required" : var.tokens
  }
  root_block_device {
    encrypted = true
  }
}

module "disk" {
  source    = "./disk"
  for_each  = var.disks
  size      = each.value.size
  encrypted = each.value.encrypted
}
`,
  'hcl/disk/main.tf': `variable "size" {}
variable "encrypted" {}

resource "aws_ebs_volume" "this" {
  availability_zone = "eu-west-1a"
  size              = var.size
  encrypted         = var.encrypted
}
`,
};

const ingress = (port: number) => ({
  cidr_blocks: ['0.0.0.0/0'],
  description: '',
  from_port: port,
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  protocol: 'tcp',
  security_groups: [],
  self: false,
  to_port: port,
});
const instance = (index: number, tokens: string) => ({
  address: `aws_instance.web[${index}]`,
  mode: 'managed',
  type: 'aws_instance',
  name: 'web',
  index,
  provider_name: 'registry.terraform.io/hashicorp/aws',
  values: {
    ami: 'ami-0abcdef1234567890',
    instance_type: 'm5.xlarge',
    metadata_options: [{ http_endpoint: 'enabled', http_put_response_hop_limit: 1, http_tokens: tokens }],
    root_block_device: [{ delete_on_termination: true, encrypted: true }],
  },
});
const volume = (key: string, size: number, encrypted: boolean) => ({
  address: `module.disk["${key}"].aws_ebs_volume.this`,
  mode: 'managed',
  type: 'aws_ebs_volume',
  name: 'this',
  provider_name: 'registry.terraform.io/hashicorp/aws',
  values: { availability_zone: 'eu-west-1a', size, encrypted },
});
const plan = {
  format_version: '1.2',
  terraform_version: '1.9.0',
  planned_values: {
    root_module: {
      resources: [
        {
          address: 'aws_security_group.web',
          mode: 'managed',
          type: 'aws_security_group',
          name: 'web',
          provider_name: 'registry.terraform.io/hashicorp/aws',
          values: { name: 'web', ingress: [ingress(443), ingress(22)] },
        },
        instance(0, 'required'),
        instance(1, 'optional'),
      ],
      child_modules: [
        { address: 'module.disk["a"]', resources: [volume('a', 10, true)] },
        { address: 'module.disk["b"]', resources: [volume('b', 20, false)] },
      ],
    },
  },
  resource_changes: [
    {
      address: 'aws_instance.web[0]',
      type: 'aws_instance',
      change: { actions: ['create'], after_unknown: { id: true, vpc_security_group_ids: true } },
    },
    {
      address: 'aws_instance.web[1]',
      type: 'aws_instance',
      change: { actions: ['create'], after_unknown: { id: true, vpc_security_group_ids: true } },
    },
  ],
  configuration: {
    root_module: {
      resources: [
        {
          address: 'aws_instance.web',
          mode: 'managed',
          type: 'aws_instance',
          name: 'web',
          expressions: {
            vpc_security_group_ids: { references: ['aws_security_group.web.id', 'aws_security_group.web'] },
          },
          count_expression: { constant_value: 2 },
        },
      ],
      module_calls: { disk: { source: './disk', module: { resources: [] } } },
    },
  },
};

for (const [name, text] of Object.entries({ ...hcl, 'plan/plan.json': JSON.stringify(plan, null, 2) })) {
  mkdirSync(dirname(join(directory, name)), { recursive: true });
  writeFileSync(join(directory, name), text);
}

async function verdicts(path: string): Promise<string[]> {
  const result = await check({ paths: [path], cwd: directory, root: directory, measureImages: false });
  expect(result.problems).toEqual([]);
  return result.findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`).sort();
}

it('gives the same verdicts for the HCL and for its plan JSON', async () => {
  const fromHcl = await verdicts('hcl');
  expect(fromHcl).toEqual(await verdicts('plan'));
  // And they are the verdicts this configuration deserves.
  expect(fromHcl.filter((v) => v.startsWith('error'))).toEqual([
    'error encrypted-block-storage: Volume \'module.disk["b"].aws_ebs_volume.this\' is not encrypted.',
    "error instance-metadata-v2: Instance 'aws_instance.web[1]' accepts IMDSv1 requests: HttpTokens is 'optional', not 'required'.",
    // One finding per ingress rule, naming every instance it opens.
    "error no-interactive-access: Ingress rule opens SSH (port 22) to '0.0.0.0/0' on instance 'aws_instance.web[0]' and 1 more.",
  ]);
});
