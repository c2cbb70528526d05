import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../../src/check.js';
import { FUNCTIONS } from '../../../src/ingest/terraform/functions.js';
import { hclParseStats, prepareHclParser } from '../../../src/ingest/terraform/hcl.js';

const scratch = mkdtempSync(join(tmpdir(), 'isolint-tf-eval-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeAll(() => prepareHclParser());

let counter = 0;
/** Writes files under a fresh directory; returns it. */
function tree(files: Record<string, string>): string {
  const directory = join(scratch, `t${counter++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, name)), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

async function run(directory: string, options: Partial<Parameters<typeof check>[0]> = {}) {
  return check({ paths: ['.'], cwd: directory, root: directory, measureImages: false, ...options });
}

const volume = (encrypted: string) =>
  `resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size = 10\n  encrypted = ${encrypted}\n}\n`;

describe('Terraform variables', () => {
  const files = {
    'variables.tf': 'variable "encrypted" {\n  type    = bool\n  default = true\n}\n',
    'main.tf': volume('var.encrypted'),
    'terraform.tfvars': 'encrypted = true\n',
    'prod.tfvars': 'encrypted = false\n',
    'safe.tfvars': 'encrypted = true\n',
  };

  it('points a finding at the attribute, with the default or tfvars line as a related location', async () => {
    const directory = tree({ ...files, 'terraform.tfvars': 'encrypted = false\n' });
    const [finding] = (await run(directory)).findings.filter((f) => f.ruleId === 'encrypted-block-storage');
    expect(finding).toMatchObject({ severity: 'error', location: { file: 'main.tf', startLine: 4 } });
    expect(finding.related.map((r) => [r.span.file, r.span.startLine, r.label])).toEqual([
      ['terraform.tfvars', 1, "value of 'encrypted' in terraform.tfvars"],
    ]);
    const fromDefault = tree({
      'variables.tf': 'variable "encrypted" {\n  type    = bool\n  default = false\n}\n',
      'main.tf': volume('var.encrypted'),
    });
    const [other] = (await run(fromDefault)).findings.filter((f) => f.ruleId === 'encrypted-block-storage');
    expect(other.related.map((r) => [r.span.file, r.span.startLine, r.label])).toEqual([
      ['variables.tf', 3, "default of variable 'encrypted'"],
    ]);
  });

  it('applies --var-file and --var in command-line order, after the tfvars files', async () => {
    const directory = tree(files);
    const errors = async (terraformVariables: Parameters<typeof check>[0]['terraformVariables']) =>
      (await run(directory, { terraformVariables })).findings.filter((f) => f.severity === 'error').length;
    expect(await errors([])).toBe(0);
    expect(await errors([{ file: 'prod.tfvars' }])).toBe(1);
    expect(await errors([{ file: 'prod.tfvars' }, { assignment: 'encrypted=true' }])).toBe(0);
    expect(await errors([{ assignment: 'encrypted=false' }])).toBe(1);
    expect(await errors([{ assignment: 'encrypted=false' }, { file: 'safe.tfvars' }])).toBe(0);
  });
});

describe('Terraform modules', () => {
  it('reports in the child file, naming the module address, with the call site related', async () => {
    const directory = tree({
      'main.tf': 'module "web" {\n  source    = "./web"\n  encrypted = false\n}\n',
      'web/main.tf':
        'variable "encrypted" {\n  default = true\n}\nmodule "disk" {\n  source = "../disk"\n  on = var.encrypted\n}\n',
      'disk/main.tf': 'variable "on" {}\n' + volume('var.on'),
    });
    const result = await run(directory);
    expect(result.problems).toEqual([]);
    // The child directories are called, not roots: one finding, made by the call.
    const findings = result.findings.filter((f) => f.ruleId === 'encrypted-block-storage');
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding.location).toMatchObject({ file: 'disk/main.tf', startLine: 5 });
    expect(finding.message).toContain('module.web.module.disk.aws_ebs_volume.data');
    expect(finding.related.map((r) => `${r.span.file}:${r.span.startLine} ${r.label}`)).toEqual([
      "web/main.tf:6 input 'on' of module 'disk'",
      "main.tf:3 input 'encrypted' of module 'web'",
      "web/main.tf:4 module call 'module.web.module.disk'",
      "main.tf:1 module call 'module.web'",
    ]);
  });

  it('says once per call when a remote module was not downloaded, and reads it when it was', async () => {
    const call =
      'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n  encrypted = false\n}\n';
    const missing = await run(tree({ 'main.tf': call }));
    expect(missing.problems).toEqual([
      {
        file: 'main.tf',
        line: 1,
        column: 1,
        message: "module 'vpc' (source terraform-aws-modules/vpc/aws) not downloaded; run terraform init to check it",
        level: 'warning',
      },
    ]);
    const downloaded = await run(
      tree({
        'main.tf': call,
        '.terraform/modules/modules.json': JSON.stringify({
          Modules: [
            { Key: '', Source: '', Dir: '.' },
            {
              Key: 'vpc',
              Source: 'registry.terraform.io/terraform-aws-modules/vpc/aws',
              Dir: '.terraform/modules/vpc',
            },
          ],
        }),
        '.terraform/modules/vpc/main.tf': 'variable "encrypted" {}\n' + volume('var.encrypted'),
      }),
    );
    expect(downloaded.problems).toEqual([]);
    expect(downloaded.findings.filter((f) => f.severity === 'error').map((f) => f.location.file)).toEqual([
      '.terraform/modules/vpc/main.tf',
    ]);
  });

  it('expands count and for_each on module calls, with Terraform addresses', async () => {
    const directory = tree({
      'main.tf':
        'module "a" {\n  source = "./child"\n  for_each = toset(["x", "y"])\n  on = each.key == "x"\n}\nmodule "b" {\n  source = "./child"\n  count = 2\n  on = false\n}\n',
      'child/main.tf': 'variable "on" {}\n' + volume('var.on'),
    });
    const subjects = (await run(directory)).findings
      .filter((f) => f.severity === 'error')
      .map((f) => f.subject.replace(/^.*?\/(?=module)/, ''))
      .sort();
    expect(subjects).toEqual([
      'module.a["y"].aws_ebs_volume.data',
      'module.b[0].aws_ebs_volume.data',
      'module.b[1].aws_ebs_volume.data',
    ]);
  });
});

describe('Terraform parsing', () => {
  it('parses each file once and frees every tree', async () => {
    const directory = tree({
      'a.tf': volume('true'),
      'b.tf': 'variable "x" { default = 1 }\n',
      'c.tf': 'module "m" {\n  source = "./m"\n}\nmodule "n" {\n  source = "./m"\n}\n',
      'm/main.tf': volume('false'),
    });
    const before = hclParseStats.parses;
    const result = await run(directory);
    expect(result.findings.filter((f) => f.severity === 'error')).toHaveLength(2);
    expect(hclParseStats.parses - before).toBe(4);
    expect(hclParseStats.liveTrees).toBe(0);
  });
});

describe('Terraform built-in functions, as documented', () => {
  // Examples from https://developer.hashicorp.com/terraform/language/functions
  const cases: Array<[string, unknown[], unknown]> = [
    ['cidrsubnet', ['172.16.0.0/12', 4, 2], '172.18.0.0/16'],
    ['cidrsubnet', ['10.1.2.0/24', 4, 15], '10.1.2.240/28'],
    ['cidrsubnet', ['fd00:fd12:3456:7890::/56', 16, 162], 'fd00:fd12:3456:7800:a200::/72'],
    ['cidrhost', ['10.12.112.0/20', 16], '10.12.112.16'],
    ['cidrhost', ['10.12.112.0/20', 268], '10.12.113.12'],
    ['cidrhost', ['fd00:fd12:3456:7890:00a2::/72', 34], 'fd00:fd12:3456:7890::22'],
    ['cidrnetmask', ['172.16.0.0/12'], '255.240.0.0'],
    ['format', ['Hello, %s!', 'Ander'], 'Hello, Ander!'],
    ['format', ['There are %d lights', 4], 'There are 4 lights'],
    ['formatlist', ['Hello, %s!', ['Valentina', 'Ander']], ['Hello, Valentina!', 'Hello, Ander!']],
    ['join', ['-', ['foo', 'bar', 'baz']], 'foo-bar-baz'],
    ['split', [',', 'foo,bar,baz'], ['foo', 'bar', 'baz']],
    ['replace', ['1 + 2 + 3', '+', '-'], '1 - 2 - 3'],
    ['replace', ['hello world', '/w.*d/', 'everybody'], 'hello everybody'],
    ['regex', ['[a-z]+', '53453453.345345aaabbbccc23454'], 'aaabbbccc'],
    ['regex', ['(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)', '2019-02-01'], ['2019', '02', '01']],
    ['regexall', ['[a-z]+', '1234abcd5678efgh9'], ['abcd', 'efgh']],
    ['trim', ['?!hello?!', '!?'], 'hello'],
    ['trimprefix', ['helloworld', 'hello'], 'world'],
    ['trimsuffix', ['helloworld', 'world'], 'hello'],
    ['trimspace', ['  hello\n\n'], 'hello'],
    ['substr', ['hello world', 1, 4], 'ello'],
    ['substr', ['hello world', -5, -1], 'world'],
    ['coalesce', ['', 'b'], 'b'],
    ['coalescelist', [[], ['c', 'd']], ['c', 'd']],
    ['compact', [['a', '', 'b', null, 'c']], ['a', 'b', 'c']],
    ['flatten', [[['a', 'b'], [], ['c']]], ['a', 'b', 'c']],
    ['element', [['a', 'b', 'c'], 3], 'a'],
    ['index', [['a', 'b', 'c'], 'b'], 1],
    ['keys', [{ a: 1, c: 2, d: 3 }], ['a', 'c', 'd']],
    ['values', [{ a: 3, c: 2, d: 1 }], [3, 2, 1]],
    ['lookup', [{ a: 'ay', b: 'bee' }, 'c', 'what?'], 'what?'],
    [
      'merge',
      [
        { a: 'b', c: 'd' },
        { e: 'f', c: 'z' },
      ],
      { a: 'b', c: 'z', e: 'f' },
    ],
    ['distinct', [['a', 'b', 'a', 'c', 'd', 'b']], ['a', 'b', 'c', 'd']],
    ['range', [1, 4], [1, 2, 3]],
    ['range', [4, 1], [4, 3, 2]],
    ['slice', [['a', 'b', 'c', 'd'], 1, 3], ['b', 'c']],
    [
      'zipmap',
      [
        ['a', 'b'],
        [1, 2],
      ],
      { a: 1, b: 2 },
    ],
    ['one', [[]], null],
    ['contains', [['a', 'b', 'c'], 'a'], true],
    ['reverse', [[1, 2, 3]], [3, 2, 1]],
    ['sort', [['e', 'd', 'a', 'x']], ['a', 'd', 'e', 'x']],
    ['length', ['💃'], 1],
    ['startswith', ['hello world', 'hello'], true],
    ['endswith', ['hello world', 'world'], true],
    ['base64encode', ['Hello World'], 'SGVsbG8gV29ybGQ='],
    ['base64decode', ['SGVsbG8gV29ybGQ='], 'Hello World'],
    ['jsonencode', [{ hello: 'world' }], '{"hello":"world"}'],
    ['jsondecode', ['{"hello": "world"}'], { hello: 'world' }],
    ['yamldecode', ['hello: world'], { hello: 'world' }],
    ['tonumber', ['1'], 1],
    ['tobool', ['true'], true],
    ['tostring', [5], '5'],
  ];
  it.each(cases)('%s(%j) = %j', (name, args, expected) => {
    expect(FUNCTIONS[name](args)).toEqual(expected);
  });
});

describe('booleans spelt otherwise (issue 17)', () => {
  it('True and FALSE are references Terraform rejects: a warning at their line and a note saying so', async () => {
    const directory = tree({
      'main.tf': `${volume('True')}
module "disks" {
  source = "./disks"
}
`,
      'disks/main.tf': volume('FALSE'),
    });
    const result = await run(directory);
    expect(result.problems.map((p) => [p.level, p.file, p.line, p.column, p.message])).toEqual([
      ['warning', 'disks/main.tf', 4, 15, expect.stringMatching(/^FALSE is not a boolean: .*write false$/)],
      ['warning', 'main.tf', 4, 15, expect.stringMatching(/^True is not a boolean: .*Terraform rejects True/)],
    ]);
    const notes = result.findings.filter((f) => f.ruleId === 'encrypted-block-storage');
    expect(notes.map((f) => [f.severity, f.location.file, f.location.startLine, f.message])).toEqual([
      ['note', 'disks/main.tf', 4, expect.stringContaining('FALSE is not an HCL boolean (Terraform rejects it')],
      ['note', 'main.tf', 4, expect.stringContaining('True is not an HCL boolean (Terraform rejects it; write true)')],
    ]);
  });

  it('a for expression may still bind the name True', async () => {
    const directory = tree({ 'main.tf': volume('[for True in [true] : True][0]') });
    const result = await run(directory);
    expect(result.problems).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'encrypted-block-storage')).toEqual([]);
  });
});
