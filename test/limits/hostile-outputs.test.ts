/**
 * The hostile-output suite (issue 22): each problem found around the parsers, reproduced. Locations of
 * findings inside embedded text (1), suppressions that must never cost findings, from every source (3, 4, 5),
 * gates that fail closed, `measure` included (4, 5), and the edges (7): control characters in every message
 * of every format, YAML nesting limited like JSON, deep Fn::If, custom rules that throw, reject or never
 * finish, temporary directories. Outputs and input edges (2, 6) are in scan-and-output.test.ts, parser limits
 * in hostile-inputs.test.ts, every fixture through every reporter in every-location.test.ts; the large-output
 * figures (5) are bench/large-outputs.mjs.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check } from '../../src/check.js';
import { defaultConfig, loadConfig } from '../../src/engine/config.js';
import { render } from '../../src/report/index.js';
import { REPO_ROOT } from '../helpers.js';
import { runIsolint } from '../cli/run.js';

const work = mkdtempSync(join(tmpdir(), 'isolint-hostile-outputs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
/** A fresh directory holding these files. */
function workspace(files: Record<string, string | Uint8Array>): string {
  const directory = join(work, String(counter++));
  mkdirSync(directory);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

async function checkIn(directory: string, options: { config?: ReturnType<typeof defaultConfig>; today?: Date } = {}) {
  return check({
    paths: ['.'],
    cwd: directory,
    root: directory,
    config: options.config ?? defaultConfig(directory),
    today: options.today ?? new Date('2026-06-01'),
  });
}

const CFN_FLOW_USER_DATA = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      UserData: {Fn::Base64: "#cloud-config\\nssh_pwauth: true"}
`;

const CFN_BLOCK_USER_DATA = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bastion:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      UserData:
        Fn::Base64: |
          #cloud-config
          ssh_pwauth: true
`;

const TF_HEREDOC = `resource "aws_instance" "lab" {
  ami       = "ami-0123456789abcdef0"
  user_data = <<-EOT
    #cloud-config
    ssh_pwauth: true
  EOT
}
`;

describe('problem 1: findings inside embedded text have whole locations', () => {
  it.each([
    ['template.yaml', CFN_BLOCK_USER_DATA, { startLine: 10, startColumn: 11, endLine: 10, endColumn: 27 }],
    ['template.yaml', CFN_FLOW_USER_DATA, { startLine: 7, startColumn: 7, endLine: 7 }],
    ['main.tf', TF_HEREDOC, { startLine: 5, startColumn: 5, endLine: 5, endColumn: 21 }],
  ])('%s (%#): the cloud-init finding sits in the file, in every format', async (name, text, where) => {
    const directory = workspace({ [name]: text });
    const result = await checkIn(directory);
    const finding = result.findings.find((f) => f.ruleId === 'no-password-only-login')!;
    expect(finding.location).toMatchObject({ file: name, ...where });
    expect(Object.keys(finding.location).sort()).toEqual(
      expect.arrayContaining(['endColumn', 'endLine', 'file', 'startColumn', 'startLine']),
    );
    const line = where.startLine;
    const textReport = render(result, 'text');
    expect(textReport).toContain(`  ${line}:${where.startColumn} `);
    expect(textReport).not.toMatch(/undefined|null|NaN/);
    const json = render(result, 'json');
    expect(json).not.toMatch(/"spans"|"ref"|"lineStarts"|null/);
    const sarif = JSON.parse(render(result, 'sarif'));
    const region = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'no-password-only-login')
      .locations[0].physicalLocation.region;
    expect(region).toMatchObject({ startLine: line, startColumn: where.startColumn });
    expect(Number.isInteger(region.endColumn)).toBe(true);
  });
});

describe('problem 4: a malformed inline suppression is a warning and costs no finding', () => {
  const TF = `# isolint-suppress encrypted-block-storage
resource "aws_ebs_volume" "a" {
  availability_zone = "eu-west-1a"
  size              = 8
}
`;

  it.each([[[]], [['--no-inline-suppressions']]])(
    'a .tf comment without a reason (%j): warning at its line, the finding stays, exit 1',
    async (extra) => {
      const directory = workspace({ 'main.tf': TF });
      const { code, stdout } = await runIsolint(['check', '.', '--format', 'json', ...extra], { cwd: directory });
      const report = JSON.parse(stdout);
      expect(report.problems).toEqual([
        expect.objectContaining({
          file: 'main.tf',
          line: 1,
          level: 'warning',
          message: expect.stringMatching(/^suppression comment ignored: it needs a rule id and a reason/),
        }),
      ]);
      expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('encrypted-block-storage');
      expect(code).toBe(1);
    },
  );

  it('an inline expiry that is not a date (2020-13-45) is a warning and suppresses nothing', async () => {
    const directory = workspace({
      'main.tf': TF.replace('encrypted-block-storage', 'encrypted-block-storage expires=2020-13-45: lab only'),
      'hosts.yaml': `apiVersion: isolint/v1
hosts:
  - id: host-1
    memoryScrubbing: false
    suppress:
      - rule: scrubbed-memory
        reason: Lab host
        expires: 2020-13-45
`,
    });
    const result = await checkIn(directory);
    const open = result.findings.filter((f) => !f.suppression).map((f) => f.ruleId);
    expect(open).toEqual(expect.arrayContaining(['encrypted-block-storage', 'scrubbed-memory']));
    const warnings = result.problems.filter((p) => p.level === 'warning');
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'main.tf',
          line: 1,
          message: expect.stringMatching(/2020-13-45 is not a date/),
        }),
        expect.objectContaining({
          file: 'hosts.yaml',
          line: 6,
          message: expect.stringMatching(/2020-13-45 is not a date/),
        }),
      ]),
    );
  });

  it('a CloudFormation Metadata suppression without a reason: a warning, the template still checked', async () => {
    const directory = workspace({
      'template.yaml': `Resources:
  Data:
    Type: AWS::EC2::Volume
    Metadata:
      isolint:
        suppress: [{ rule: encrypted-block-storage }]
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 8
`,
    });
    const result = await checkIn(directory);
    expect(result.problems).toEqual([expect.objectContaining({ file: 'template.yaml', line: 6, level: 'warning' })]);
    expect(result.findings.find((f) => f.ruleId === 'encrypted-block-storage')?.suppression).toBeUndefined();
  });
});

describe('problem 5: config suppressions match what users see, and stale ones are warnings', () => {
  const files = {
    'template.yaml': `Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 8
`,
    'main.tf': `resource "aws_ebs_volume" "logs" {
  availability_zone = "eu-west-1a"
  size              = 8
}
`,
    'hosts.yaml': `apiVersion: isolint/v1
hosts:
  - id: host-1
    memoryScrubbing: false
`,
  };

  function configIn(directory: string, yaml: string) {
    writeFileSync(join(directory, '.isolint.yaml'), yaml);
    return loadConfig(join(directory, '.isolint.yaml'), '.isolint.yaml');
  }

  it('suppresses by logical id, Terraform address and manifest id', async () => {
    const directory = workspace(files);
    const config = configIn(
      directory,
      `suppressions:
  - rule: encrypted-block-storage
    subject: Data
    reason: scratch volume, wiped nightly
  - rule: encrypted-block-storage
    subject: aws_ebs_volume.logs
    reason: logs are public anyway
  - rule: scrubbed-memory
    subject: host-1
    reason: lab host, reimaged
`,
    );
    const result = await checkIn(directory, { config });
    const suppressed = result.findings.filter((f) => f.suppression?.kind === 'external');
    expect(suppressed.map((f) => [f.ruleId, f.location.file]).sort()).toEqual([
      ['encrypted-block-storage', 'main.tf'],
      ['encrypted-block-storage', 'template.yaml'],
      ['scrubbed-memory', 'hosts.yaml'],
    ]);
    expect(result.problems).toEqual([]);
  });

  it('warns, at the entry, about one that matched nothing, one that expired and one whose date is invalid', async () => {
    const directory = workspace(files);
    const config = configIn(
      directory,
      `suppressions:
  - rule: encrypted-block-storage
    subject: Dta
    reason: a typo
  - rule: scrubbed-memory
    subject: host-1
    reason: lab host, reimaged
    expires: 2026-01-31
  - rule: encrypted-block-storage
    subject: Data
    reason: scratch volume
    expires: 2020-13-45
`,
    );
    const result = await checkIn(directory, { config });
    expect(result.findings.filter((f) => f.suppression)).toEqual([]);
    expect(result.problems.map((p) => [p.level, p.file, p.line, p.message])).toEqual([
      ['warning', '.isolint.yaml', 2, expect.stringMatching(/for Dta matched no finding/)],
      [
        'warning',
        '.isolint.yaml',
        5,
        expect.stringMatching(/expired on 2026-01-31; the finding it matched is reported again/),
      ],
      ['warning', '.isolint.yaml', 9, expect.stringMatching(/expires 2020-13-45 is not a date/)],
    ]);
  });
});

describe('issue 22 item 3: every suppression source, malformed or stale, is a warning at its line', () => {
  const today = new Date('2026-06-01');
  const problemsOf = (result: Awaited<ReturnType<typeof checkIn>>) =>
    result.problems.map((p) => [p.level, p.file, p.line, p.message]);

  it("a manifest's malformed suppress entries: warnings at their lines, the manifest still checked", async () => {
    const directory = workspace({
      'hosts.yaml': `apiVersion: isolint/v1
hosts:
  - id: host-1
    memoryScrubbing: false
    suppress:
      - rule: scrubbed-memory
      - { rule: scrubbed-memory, reason: 7 }
      - { rule: scrubbed-memory, reason: lab host, until: 2027-01-01 }
      - reason: no rule here
  - id: host-2
    memoryScrubbing: false
    suppress: scrubbed-memory
`,
    });
    const result = await checkIn(directory, { today });
    expect(result.findings.filter((f) => f.ruleId === 'scrubbed-memory' && !f.suppression)).toHaveLength(2);
    expect(problemsOf(result)).toEqual([
      ['warning', 'hosts.yaml', 6, expect.stringMatching(/^suppression of scrubbed-memory ignored: it needs a reason/)],
      ['warning', 'hosts.yaml', 7, expect.stringMatching(/^suppression of scrubbed-memory ignored: it needs a reason/)],
      ['warning', 'hosts.yaml', 8, expect.stringMatching(/ignored: unknown key "until"/)],
      ['warning', 'hosts.yaml', 9, expect.stringMatching(/^suppression ignored: it needs a rule id/)],
      ['warning', 'hosts.yaml', 12, expect.stringMatching(/ignored: suppress is a list/)],
    ]);
  });

  it("a manifest's entries that matched nothing, expired or name no rule: warnings even with no finding", async () => {
    const directory = workspace({
      'hosts.yaml': `apiVersion: isolint/v1
hosts:
  - id: host-1
    memoryScrubbing: true
    suppress:
      - { rule: scrubbed-memory, reason: fixed since }
      - { rule: scrubbed-memory, reason: old decision, expires: 2026-01-31 }
      - { rule: scrubbed-memroy, reason: a typo }
`,
    });
    const result = await checkIn(directory, { today });
    expect(problemsOf(result)).toEqual([
      ['warning', 'hosts.yaml', 6, expect.stringMatching(/^suppression of scrubbed-memory matched no finding/)],
      ['warning', 'hosts.yaml', 7, 'suppression of scrubbed-memory expired on 2026-01-31'],
      [
        'warning',
        'hosts.yaml',
        8,
        'suppression ignored: unknown rule id "scrubbed-memroy" (did you mean "scrubbed-memory"?)',
      ],
    ]);
  });

  it('a malformed config suppression is a warning at its line; the other entries and settings still apply', async () => {
    const directory = workspace({
      'hosts.yaml': `apiVersion: isolint/v1
hosts:
  - id: host-1
    memoryScrubbing: false
  - id: host-2
    memoryScrubbing: false
`,
      '.isolint.yaml': `failOn: warning
suppressions:
  - rule: scrubbed-memory
    subject: host-1
  - { rule: scrubbed-memory, subject: host-2, reason: lab host reimaged }
  - { rule: scrubbed-memroy, subject: host-2, reason: a typo }
`,
    });
    const config = loadConfig(join(directory, '.isolint.yaml'), '.isolint.yaml');
    expect(config.failOn).toBe('warning');
    const result = await checkIn(directory, { config, today });
    expect(
      result.findings.filter((f) => f.ruleId === 'scrubbed-memory').map((f) => [f.subject, f.suppression?.kind]),
    ).toEqual([
      ['host-1', undefined],
      ['host-2', 'external'],
    ]);
    expect(problemsOf(result)).toEqual([
      [
        'warning',
        '.isolint.yaml',
        3,
        expect.stringMatching(/^suppression of scrubbed-memory ignored: it needs a reason/),
      ],
      [
        'warning',
        '.isolint.yaml',
        6,
        expect.stringMatching(/ignored: unknown rule id "scrubbed-memroy" \(did you mean/),
      ],
    ]);
    const { code, stdout } = await runIsolint(['check', '.', '--format', 'json'], { cwd: directory });
    expect(JSON.parse(stdout).findings.length).toBeGreaterThan(0);
    expect(code).toBe(1);
  });

  it('inline comments that matched nothing, expired, or sit on no element: warnings at their lines', async () => {
    const directory = workspace({
      'main.tf': `resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  # isolint-suppress instance-metadata-v2: tokens are required below
  # isolint-suppress encrypted-block-storage expires=2026-01-31: until the migration
  metadata_options {
    http_tokens = "required"
  }
  root_block_device {
    encrypted = true
  }
}

# isolint-suppress encrypted-block-storage: applies to nothing below
variable "size" {
  default = 8
}
`,
      'template.yaml': `Resources:
  # isolint-suppress encrypted-block-storage: the volume is encrypted
  Data:
    Type: AWS::EC2::Volume
    Metadata:
      isolint:
        suppress: [{ rule: encrypted-block-storage, reason: also stale, expires: 2026-02-01 }]
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 8
      Encrypted: true
`,
    });
    const result = await checkIn(directory, { today });
    expect(result.findings.filter((f) => f.suppression)).toEqual([]);
    expect(problemsOf(result)).toEqual([
      ['warning', 'main.tf', 4, expect.stringMatching(/^suppression of instance-metadata-v2 matched no finding/)],
      ['warning', 'main.tf', 5, 'suppression of encrypted-block-storage expired on 2026-01-31'],
      [
        'warning',
        'main.tf',
        14,
        expect.stringMatching(/^suppression of encrypted-block-storage applies to no element/),
      ],
      [
        'warning',
        'template.yaml',
        2,
        expect.stringMatching(/^suppression of encrypted-block-storage matched no finding/),
      ],
      ['warning', 'template.yaml', 7, 'suppression of encrypted-block-storage expired on 2026-02-01'],
    ]);
  });

  it('--no-inline-suppressions: stale inline suppressions say nothing (they count for nothing anyway)', async () => {
    const directory = workspace({
      'hosts.yaml': `apiVersion: isolint/v1
hosts:
  - id: host-1
    memoryScrubbing: true
    suppress: [{ rule: scrubbed-memory, reason: fixed since }]
`,
    });
    const config = { ...defaultConfig(directory), allowInlineSuppressions: false };
    expect((await checkIn(directory, { config, today })).problems).toEqual([]);
  });
});

describe('problem 5: gates fail closed', () => {
  const signer = readFileSync(join(REPO_ROOT, 'fixtures/rules/enclave-image-pcrs/signer.eif'));
  const manifest = (image: string) => `apiVersion: isolint/v1
hosts:
  - id: host-1
    instances:
      - id: parent-1
        enclaves:
          - id: signer
            image:
              path: ${image}
              expectedPcrs:
                PCR0: 8801f985457b2afdad54dea428a2bbff515ccddd90ba43be9ad74a65a5d6b3ceccc0709d0c6070941e92abf31cc4d6b1
`;

  it.each([
    ['missing', 'not-built.eif', undefined],
    ['truncated', 'truncated.eif', signer.subarray(0, 700)],
    ['empty', 'empty.eif', new Uint8Array()],
  ])('an image with expected PCRs that is %s is an error (exit 1)', async (_what, name, bytes) => {
    const directory = workspace({ 'hosts.yaml': manifest(name), ...(bytes ? { [name]: bytes } : {}) });
    const result = await checkIn(directory);
    const finding = result.findings.find((f) => f.ruleId === 'enclave-image-pcrs')!;
    expect(finding).toMatchObject({ messageId: 'notMeasured', severity: 'error' });
    const { code } = await runIsolint(['check', '.'], { cwd: directory });
    expect(code).toBe(1);
  });

  it('measure: a CRC mismatch exits 1, in text and JSON (the intact image exits 0)', async () => {
    const damaged = new Uint8Array(signer);
    damaged[damaged.length - 1] ^= 0xff;
    const directory = workspace({ 'damaged.eif': damaged, 'signer.eif': signer });
    for (const extra of [[], ['--json']]) {
      const { code, stderr } = await runIsolint(['measure', 'damaged.eif', ...extra], { cwd: directory });
      expect(code).toBe(1);
      expect(stderr).toMatch(/CRC32 in the header does not match/);
    }
    expect((await runIsolint(['measure', 'signer.eif'], { cwd: directory })).code).toBe(0);
  });

  it('the intact image passes', async () => {
    const directory = workspace({ 'hosts.yaml': manifest('signer.eif') });
    copyFileSync(join(REPO_ROOT, 'fixtures/rules/enclave-image-pcrs/signer.eif'), join(directory, 'signer.eif'));
    const result = await checkIn(directory);
    expect(result.findings.filter((f) => f.ruleId === 'enclave-image-pcrs')).toEqual([]);
  });
});

describe('problem 7: control characters from inputs are escaped in every message', () => {
  it('a NUL, an escape sequence and a bidi override in a logical id reach no report raw', async () => {
    const directory = workspace({
      'template.yaml': `Resources:
  "Data\\0\\e[31m\\u202e":
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 8
`,
    });
    const result = await checkIn(directory);
    expect(result.findings.length).toBeGreaterThan(0);
    for (const format of ['text', 'markdown', 'junit'] as const) {
      const output = render(result, format);
      expect(output.replace(/\u001b\[[0-9;]*m(?=[^\\])/g, '')).not.toMatch(/[\u0000\u001b\u202e]/);
    }
    const message = result.findings.find((f) => f.ruleId === 'encrypted-block-storage')!.message;
    expect(message).toContain('Data\\x00\\x1b[31m\\u202e');
  });

  it('every message of every format: findings, related locations and input problems', async () => {
    const directory = workspace({
      'template.yaml': `Resources:
  "Open\\e]0;pwned\\a":
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }]
  "Box\\u0085":
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      SecurityGroupIds: [!GetAtt "Open\\e]0;pwned\\a.GroupId"]
    # isolint-suppress encrypted-block-storage: \u202e reversed
`,
      'hosts.yaml': `apiVersion: isolint/v1
hosts:
  - id: "h\\0ost"
    memoryScrubbing: false
    suppress: [{ rule: "scrubbed\\u001bmemory", reason: a typo in the rule }]
`,
    });
    const result = await checkIn(directory);
    expect(result.findings.some((f) => f.related.length > 0)).toBe(true);
    expect(result.problems.length).toBeGreaterThan(0);
    const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    // Text formats whole; in JSON-based ones (which may spell a control \u001b) every message-like string.
    const MESSAGE_KEYS = new Set(['message', 'text', 'markdown', 'description', 'label', 'check_name']);
    for (const format of ['text', 'markdown', 'junit', 'json', 'sarif', 'gitlab'] as const) {
      const output = render(result, format);
      if (!['json', 'sarif', 'gitlab'].includes(format)) {
        expect(output.replace(/\u001b\[[0-9;]*m/g, ''), format).not.toMatch(raw);
        continue;
      }
      const messages: string[] = [];
      JSON.parse(output, (key, value: unknown) => {
        if (MESSAGE_KEYS.has(key) && typeof value === 'string') messages.push(value);
        return value;
      });
      expect(messages.length, format).toBeGreaterThan(0);
      for (const message of messages) expect(message, format).not.toMatch(raw);
    }
  });

  it('a control character in a parse error is escaped too', async () => {
    const directory = workspace({ 'hosts.json': '{"apiVersion": "isolint/v1", "hosts": [\u0001]}' });
    const { stderr, stdout } = await runIsolint(['check', '.'], { cwd: directory });
    expect(stderr + stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});

describe('problem 7: deep Fn::If is evaluated, or refused with the nesting message', () => {
  const template = (encrypted: string, conditions = '  IsProd: !Equals [a, a]\n') => `Conditions:
${conditions}Resources:
  Vol:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 8
      Encrypted: ${encrypted}
`;
  const nested = (levels: number, inner: (value: string) => string) => {
    let value = 'false';
    for (let i = 0; i < levels; i++) value = inner(value);
    return value;
  };
  const lineOf = (text: string) => text.split('\n').findIndex((line) => line.includes('Encrypted:')) + 1;

  it('200 nested !If, each decided: the innermost value is judged (an error, not a note)', async () => {
    const text = template(nested(200, (value) => `!If [IsProd, ${value}, true]`));
    const result = await checkIn(workspace({ 'template.yaml': text }));
    expect(result.problems).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'encrypted-block-storage')).toEqual([
      expect.objectContaining({ severity: 'error', location: expect.objectContaining({ startLine: lineOf(text) }) }),
    ]);
  });

  it('200 nested {Fn::If: [...]} (400 levels): one input error, the JSON nesting message', async () => {
    const text = template(nested(200, (value) => `{"Fn::If": [IsProd, ${value}, true]}`));
    const result = await checkIn(workspace({ 'template.yaml': text }));
    expect(result.problems).toEqual([
      expect.objectContaining({
        level: 'error',
        file: 'template.yaml',
        line: lineOf(text),
        message: 'nesting deeper than 256 levels',
      }),
    ]);
  });

  it('20 000 conditions each naming the one before: a note with the reason, no stack overflow', async () => {
    let conditions = '  C0: !Equals [a, a]\n';
    for (let i = 1; i < 20_000; i++) conditions += `  C${i}: !Condition C${i - 1}\n`;
    const result = await checkIn(workspace({ 'template.yaml': template('!If [C19999, false, true]', conditions) }));
    expect(result.problems).toEqual([]);
    expect(result.findings.find((f) => f.ruleId === 'encrypted-block-storage')).toMatchObject({
      severity: 'note',
      message: expect.stringMatching(/reached through more than 256 conditions/),
    });
  });
});

describe('problem 7: YAML nesting is limited like JSON, with the same message', () => {
  it.each([
    [
      'template.yaml',
      `Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      Tags:\n        ${'- '.repeat(100_000)}1\n`,
      6,
    ],
    ['hosts.json', `{"apiVersion": "isolint/v1", "hosts": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 1],
  ])('%s 10^5 deep: one line, exit 2', async (name, text, line) => {
    const directory = workspace({ [name]: text });
    const { code, stdout, stderr } = await runIsolint(['check', '.'], { cwd: directory });
    expect(stdout + stderr).toContain(`${name}:${line}:`);
    expect(stdout + stderr).toContain('nesting deeper than 256 levels');
    expect(stdout + stderr).not.toMatch(/call stack/);
    expect(code).toBe(2);
  });
});

describe('problem 7: custom rules that fail, reject or never finish are their own errors', () => {
  const rule = (id: string, check: string) =>
    `export default { id: '${id}', title: 'x', severity: 'error', rationale: 'r', fix: 'f', messages: { found: 'found {{id}}' }, ${check} };\n`;
  const files = {
    'hosts.yaml': 'apiVersion: isolint/v1\nhosts:\n  - id: host-1\n    memoryScrubbing: false\n',
  };
  const reporting = rule(
    'reports-hosts',
    "check(graph, context) { for (const h of graph.nodes('host')) context.report({ messageId: 'found', data: { id: h.id }, subject: h }); }",
  );

  it.each([
    ['rejects', "async check() { await null; throw new Error('backend \\u0007 down'); }", /failed: backend \\x07 down/],
    ['throws', "check() { throw new TypeError('no such node'); }", /failed: no such node/],
    ['loops', 'check() { for (;;) {} }', /did not finish within 1 s \(--rule-timeout\)/],
    ['never-settles', 'check() { return new Promise(() => {}); }', /did not finish within 1 s/],
  ])(
    'a rule that %s: an error naming it and its file, exit 2, the other rules still report',
    async (id, check, message) => {
      const directory = workspace(files);
      mkdirSync(join(directory, 'rules'));
      writeFileSync(join(directory, 'rules', `${id}.mjs`), rule(id, check));
      writeFileSync(join(directory, 'rules', 'reports-hosts.mjs'), reporting);
      const started = performance.now();
      const { code, stdout, stderr } = await runIsolint(
        ['check', 'hosts.yaml', '--rules-dir', 'rules', '--rule-timeout', '1', '--format', 'json'],
        { cwd: directory },
      );
      expect((performance.now() - started) / 1000).toBeLessThan(20);
      const report = JSON.parse(stdout);
      expect(report.problems).toEqual([
        expect.objectContaining({
          level: 'error',
          file: join('rules', `${id}.mjs`),
          message: expect.stringMatching(message),
        }),
      ]);
      expect(report.problems[0].message).toMatch(new RegExp(`^rule ${id} `));
      const rules = report.findings.map((f: { ruleId: string }) => f.ruleId);
      expect(rules).toEqual(expect.arrayContaining(['scrubbed-memory', 'reports-hosts']));
      expect(stderr).not.toMatch(/Unhandled|at .*\.mjs:\d+|\u0007/);
      expect(code).toBe(2);
    },
  );
});

describe('problem 7: the suite leaves no temporary directories behind', () => {
  it('runs with TMPDIR under one root that the global set-up removes (test/setup/temp-root.ts)', () => {
    expect(tmpdir()).toMatch(/[\\/]isolint-tests-[^\\/]+$/);
    expect(work.startsWith(tmpdir())).toBe(true);
  });
});
