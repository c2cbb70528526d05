/**
 * Hostile inputs, format by format (the hostile-input issue, "Limits"): alias bombs and merge keys stay
 * bounded, deep nesting fails cleanly with one located line, prototype keys stay plain data, reference
 * cycles end. Each case goes through the real adapter (and the rules, via the fuzz harness's runCase).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseJson } from '../../src/ingest/json.js';
import { MAX_DEPTH, parseYaml } from '../../src/ingest/located.js';
import { runCase } from '../fuzz/harness.js';

let directoryCounter = 0;
/** One adapter run in a fresh (nonexistent) directory; the outcome, the message and the time it took. */
async function run(name: string, text: string) {
  const started = performance.now();
  const result = await runCase(name, text, `/nonexistent/limits/${directoryCounter++}`);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

function errorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

/** `levels` anchors, each a list of `width` aliases of the one before: width^levels nodes once expanded. */
function aliasBomb(levels: number, width: number, indent = ''): string {
  const lines = [`${indent}l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `${indent}l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

const MANIFEST_HEAD = 'apiVersion: isolint/v1\nmetadata:\n  name: hostile\n';

describe('YAML aliases and merge keys', () => {
  it('refuses a billion-laughs manifest quickly, with the line of the alias that crossed the limit', async () => {
    const result = await run('bomb.yaml', `${MANIFEST_HEAD}x-bomb:\n${aliasBomb(9, 10, '  ')}`);
    expect(result.outcome).toBe('rejected');
    expect(result.message).toMatch(/aliases expand to more than/);
    expect(result.seconds).toBeLessThan(5);
  });

  it('refuses a billion-laughs CloudFormation template (tags and all)', async () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n${aliasBomb(9, 10, '  ')}Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: !Sub "\${AWS::StackName}"\n`;
    const result = await run('template.yaml', text);
    expect(result.outcome).toBe('rejected');
    expect(result.message).toMatch(/aliases expand to more than/);
  });

  it('counts aliases of a map used as merge keys, which YAML 1.2 keeps as a plain "<<" key', () => {
    const [document] = parseYaml('merge.yaml', 'base: &b { a: 1, b: 2 }\nmerged:\n  <<: *b\n  c: 3\n');
    const merged = (document.value as Record<string, Record<string, unknown>>).merged;
    // No merging: `<<` is data (the core schema of YAML 1.2 has no merge keys), so a merge-key chain is an
    // alias chain and the expansion limit covers it.
    expect(Object.keys(merged)).toEqual(['<<', 'c']);
    expect(merged['<<']).toEqual({ a: 1, b: 2 });
  });

  it('bounds merge-key explosions like any alias bomb', () => {
    const lines = ['m0: &m0 { k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9 }'];
    for (let i = 1; i < 10; i++) {
      lines.push(
        `m${i}: &m${i}`,
        `  <<: [${Array(10)
          .fill(`*m${i - 1}`)
          .join(', ')}]`,
        `  own${i}: ${i}`,
      );
    }
    const started = performance.now();
    expect(errorOf(() => parseYaml('merge-bomb.yaml', `${lines.join('\n')}\n`)).message).toMatch(
      /aliases expand to more than/,
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('shares an alias that expands to little (ordinary reuse keeps working)', () => {
    const [document] = parseYaml('reuse.yaml', 'a: &x { k: 1 }\nb: *x\nc: *x\n');
    expect(document.value).toEqual({ a: { k: 1 }, b: { k: 1 }, c: { k: 1 } });
  });
});

describe('deep nesting fails cleanly', () => {
  const deep = 100_000;

  it('JSON: one line at the level that crossed the limit', () => {
    const error = errorOf(() => parseJson('deep.json', '['.repeat(deep) + ']'.repeat(deep)));
    expect(error.message).toBe(`nesting deeper than ${MAX_DEPTH} levels`);
    expect(error.place.line).toBe(1);
  });

  it('YAML flow collections: the message JSON gives', () => {
    const error = errorOf(() => parseYaml('deep.yaml', `a: ${'['.repeat(deep)}${']'.repeat(deep)}\n`));
    expect(error.message).toBe(`nesting deeper than ${MAX_DEPTH} levels`);
    expect(error.format()).not.toMatch(/\n/);
  });

  it('YAML block mappings: the message JSON gives, at the line that crossed the limit', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`);
    const error = errorOf(() => parseYaml('deep-block.yaml', `${lines.join('\n')} 1\n`));
    expect(error.message).toBe(`nesting deeper than ${MAX_DEPTH} levels`);
    expect(error.place.line).toBeGreaterThan(MAX_DEPTH - 4);
    expect(error.place.line).toBeLessThan(MAX_DEPTH + 4);
  });

  it('YAML block sequences 10^5 deep on one line (no engine stack message)', () => {
    const error = errorOf(() => parseYaml('deep-seq.yaml', `hosts:\n  ${'- '.repeat(deep)}1\n`));
    expect(error.message).toBe(`nesting deeper than ${MAX_DEPTH} levels`);
    expect(error.place.line).toBe(2);
  });

  it('YAML just inside the limit still reads', () => {
    const documents = parseYaml('ok.yaml', `a: ${'['.repeat(MAX_DEPTH - 2)}${']'.repeat(MAX_DEPTH - 2)}\n`);
    expect(documents).toHaveLength(1);
  });

  it.each([
    [
      'manifest.json',
      `{"apiVersion": "isolint/v1", "metadata": {"name": "x"}, "x": ${'['.repeat(deep)}${']'.repeat(deep)}}`,
    ],
    [
      'template.json',
      `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": {"Type": "AWS::EC2::Instance", "Properties": {"Tags": ${'['.repeat(deep)}${']'.repeat(deep)}}}}}`,
    ],
    [
      'plan.json',
      `{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": ${'{"a":'.repeat(deep)}1${'}'.repeat(deep)}}`,
    ],
    ['domain.xml', `<domain type="kvm"><name>x</name>${'<a>'.repeat(deep)}${'</a>'.repeat(deep)}</domain>`],
    ['main.tf', `resource "aws_instance" "a" {\n  tags = ${'['.repeat(deep)}${']'.repeat(deep)}\n}\n`],
    ['main.tf', `resource "aws_instance" "a" {\n  tags = ${'{a = '.repeat(5000)}1${'}'.repeat(5000)}\n}\n`],
    ['main.tf', `resource "aws_instance" "a" {\n${'b {\n'.repeat(5000)}${'}\n'.repeat(5000)}}\n`],
    ['main.tf', `resource "aws_instance" "a" {\n  count = ${'('.repeat(deep)}1${')'.repeat(deep)}\n}\n`],
    ['main.tf', `resource "aws_instance" "a" {\n  count = ${'-'.repeat(deep)}1\n}\n`],
  ])('%s nested %#', async (name, text) => {
    const result = await run(name, text);
    expect(['loaded', 'rejected']).toContain(result.outcome);
    expect(result.seconds).toBeLessThan(20);
  });
});

describe('prototype keys are plain data', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const pollutedAfter = () =>
    (({}) as Record<string, unknown>).polluted !== undefined ||
    Object.getOwnPropertyNames(Object.prototype).sort().join() !== before.join();

  it.each([
    [
      'YAML',
      () => parseYaml('p.yaml', '__proto__: { polluted: 1 }\nconstructor: { prototype: { polluted: 1 } }\n')[0].value,
    ],
    [
      'JSON',
      () => parseJson('p.json', '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}').value,
    ],
  ])('%s keeps __proto__ and constructor as own keys', (_format, parse) => {
    const value = parse() as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(pollutedAfter()).toBe(false);
  });

  it.each([
    [
      'manifest.yaml',
      `${MANIFEST_HEAD}hosts:\n  - id: constructor\n  - id: __proto__\n  - id: toString\n    hypervisor: { id: hasOwnProperty }\n`,
    ],
    [
      'template.yaml',
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Parameters:',
        '  __proto__: { Type: String, Default: x }',
        'Mappings:',
        '  M: { constructor: { valueOf: 1 } }',
        'Conditions:',
        '  toString: !Equals [!Ref __proto__, x]',
        'Resources:',
        '  constructor:',
        '    Type: AWS::EC2::Instance',
        '    Condition: toString',
        '    Properties:',
        '      ImageId: !FindInMap [M, constructor, valueOf]',
        '      KeyName: !Ref hasOwnProperty',
        '      SubnetId: !GetAtt valueOf.Arn',
        '      UserData: !Sub "${__proto__}${constructor}${toString}"',
        '',
      ].join('\n'),
    ],
    [
      'main.tf',
      'locals {\n  __proto__ = { polluted = 1 }\n  constructor = local.__proto__\n}\nresource "aws_instance" "constructor" {\n  tags = { __proto__ = "x", constructor = local.constructor, toString = var.valueOf }\n}\n',
    ],
    [
      'plan.json',
      '{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {"root_module": {"resources": [{"address": "aws_instance.__proto__", "mode": "managed", "type": "aws_instance", "name": "__proto__", "values": {"__proto__": {"polluted": 1}, "tags": {"constructor": "x"}}}]}}}',
    ],
    [
      'domain.xml',
      '<domain type="kvm"><name>__proto__</name><uuid>constructor</uuid><devices><disk type="file" device="disk"><source file="/x"/><target dev="toString"/></disk></devices></domain>',
    ],
    ['nova.conf', '[DEFAULT]\n__proto__ = 1\nconstructor = 2\n[libvirt]\ntoString = x\n'],
    ['configuration.toml', '[hypervisor.qemu]\n__proto__ = "x"\nconstructor = 1\n[__proto__]\nvalueOf = true\n'],
    ['sshd_config', '__proto__ yes\nconstructor no\nPasswordAuthentication no\n'],
  ])('%s with prototype names as ids, keys and references', async (name, text) => {
    const result = await run(name, text);
    expect(['loaded', 'rejected', 'unclaimed']).toContain(result.outcome);
    expect(pollutedAfter()).toBe(false);
  });
});

describe('reference cycles end', () => {
  it('CloudFormation: conditions that refer to each other become unknown, resources that GetAtt each other are edges', async () => {
    const text = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Conditions:',
      '  A: !And [!Condition B, !Equals [1, 1]]',
      '  B: !Not [!Condition A]',
      'Resources:',
      '  Left:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Condition: A',
      '    Properties:',
      '      GroupDescription: !GetAtt Right.GroupId',
      '      SecurityGroupIngress: [{ SourceSecurityGroupId: !Ref Right, IpProtocol: tcp, FromPort: 22, ToPort: 22 }]',
      '  Right:',
      '    Type: AWS::EC2::SecurityGroup',
      '    DependsOn: Left',
      '    Properties:',
      '      GroupDescription: !Sub "${Left.GroupId}"',
      '      SecurityGroupIngress: [{ SourceSecurityGroupId: !Ref Left, IpProtocol: tcp, FromPort: 22, ToPort: 22 }]',
      '',
    ].join('\n');
    const result = await run('template.yaml', text);
    expect(result.outcome).toBe('loaded');
    expect(result.seconds).toBeLessThan(5);
  });

  it('Terraform: locals and variables that refer to each other end as unknown', async () => {
    const text = [
      'locals {',
      '  a = local.b',
      '  b = "${local.c}-x"',
      '  c = [local.a]',
      '}',
      'resource "aws_security_group" "left" {',
      '  description = aws_security_group.right.id',
      '  tags = { Name = local.a }',
      '}',
      'resource "aws_security_group" "right" {',
      '  description = aws_security_group.left.id',
      '  depends_on = [aws_security_group.left]',
      '}',
      '',
    ].join('\n');
    const result = await run('main.tf', text);
    expect(result.outcome).toBe('loaded');
  });

  it('Terraform: a long chain of locals does not overflow the stack', async () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => `  l${i} = local.l${i + 1}`).join('\n');
    const result = await run(
      'main.tf',
      `locals {\n${chain}\n  l20000 = 1\n}\nresource "aws_instance" "a" {\n  count = local.l0\n}\n`,
    );
    expect(['loaded', 'rejected']).toContain(result.outcome);
  });

  it('YAML: an alias inside its own anchor is refused, not built into a cyclic value', () => {
    expect(errorOf(() => parseYaml('cycle.yaml', 'a: &a [1, *a]\n')).message).toMatch(/inside its own anchor/);
    expect(errorOf(() => parseYaml('cycle.yaml', 'a: &a { b: { c: *a } }\n')).message).toMatch(/inside its own anchor/);
  });
});
