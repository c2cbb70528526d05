#!/usr/bin/env node
/**
 * How far isolint agrees with Checkov's and KICS's own fixtures, resource by resource.
 *
 *   npm run build && node scripts/peer-agreement.mjs [--peer checkov|kics] [--json] [SUITES_DIR]
 *
 * SUITES_DIR defaults to ../shared/peer-suites (copies of the peers' fixtures; see their PROVENANCE.md).
 * Each fixture file (a Checkov Terraform example directory is one module) is checked on its own, as the
 * peers do, with only the isolint rules that judge what the peer check judges.
 *
 * A unit is one resource of a type the peer check covers:
 * - Checkov: the resource's expected verdict comes from the upstream test (failing / passing resources): in
 *   Terraform the example's resource names say it (fail…, pass…, unknown…; the few others are listed below
 *   from the upstream test), in CloudFormation the file name does (…-FAILED, …-PASSED, …-UNKNOWN).
 * - KICS: a resource holding a line of `positive_expected_result.json` is expected flagged; every other
 *   resource of the covered types, in positive and negative files, is expected not flagged.
 * isolint flags a resource when an error or warning of those rules lands on one of its lines; a note on
 * it is "undecided". Agreement is flagged = expected over units whose expectation is known.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const peerArg = args.includes('--peer') ? args[args.indexOf('--peer') + 1] : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--peer');
const suites = resolve(positional[0] ?? join(here, '..', '..', 'shared', 'peer-suites'));
if (!existsSync(suites)) {
  console.error(`peer-agreement: ${suites} not found (give the peer-suites directory as the argument)`);
  process.exit(2);
}
const library = join(here, '..', 'dist', 'src', 'index.js');
if (!existsSync(library)) {
  console.error('peer-agreement: dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const { check } = await import(library);

const SG_RULES = ['no-interactive-access'];
const VOLUME_RULES = ['encrypted-block-storage'];
const IMDS_RULES = ['instance-metadata-v2'];
const SG_TYPES = [
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_default_security_group',
];
const EKS_TYPES = ['AWS::EKS::Nodegroup', 'aws_eks_node_group'];

/** Checkov example directory → the rules that judge the same thing and the resource types it covers. */
const CHECKOV = {
  SecurityGroupUnrestrictedIngress22: { rules: SG_RULES, types: SG_TYPES },
  SecurityGroupUnrestrictedIngress3389: { rules: SG_RULES, types: SG_TYPES },
  SecurityGroupUnrestrictedIngressAny: { rules: SG_RULES, types: SG_TYPES },
  EKSNodeGroupRemoteAccess: { rules: SG_RULES, types: EKS_TYPES },
  EBSEncryption: { rules: VOLUME_RULES, types: ['AWS::EC2::Volume', 'aws_ebs_volume'] },
  EBSDefaultEncryption: { rules: VOLUME_RULES, types: ['aws_ebs_encryption_by_default'] },
  LaunchConfigurationEBSEncryption: {
    rules: VOLUME_RULES,
    types: ['AWS::AutoScaling::LaunchConfiguration', 'aws_launch_configuration', 'aws_instance'],
  },
  AMIEncryption: { rules: VOLUME_RULES, types: ['aws_ami'] },
  IMDSv1Disabled: {
    rules: IMDS_RULES,
    types: [
      'AWS::EC2::LaunchTemplate',
      'AWS::EC2::Instance',
      'aws_instance',
      'aws_launch_template',
      'aws_launch_configuration',
    ],
  },
};

/** Checkov Terraform resources whose names do not say their expected verdict (from the upstream tests). */
const CHECKOV_NAMED = {
  'EBSEncryption/aws_ebs_volume.enabled': 'pass',
  'EBSEncryption/aws_ebs_volume.default': 'fail',
  'EBSEncryption/aws_ebs_volume.disabled': 'fail',
  'EBSDefaultEncryption/aws_ebs_encryption_by_default.enabled': 'pass',
  'EBSDefaultEncryption/aws_ebs_encryption_by_default.default': 'pass',
  'EBSDefaultEncryption/aws_ebs_encryption_by_default.null': 'pass',
  'EBSDefaultEncryption/aws_ebs_encryption_by_default.disabled': 'fail',
  'IMDSv1Disabled/aws_instance.defaults': 'fail',
  'IMDSv1Disabled/aws_instance.optional_token': 'fail',
  'IMDSv1Disabled/aws_instance.disabled': 'pass',
  'IMDSv1Disabled/aws_instance.required': 'pass',
  'IMDSv1Disabled/aws_launch_configuration.required_lc': 'pass',
  'IMDSv1Disabled/aws_launch_configuration.optional_lc': 'fail',
  'IMDSv1Disabled/aws_launch_template.optional_lt': 'fail',
  'IMDSv1Disabled/aws_launch_template.default_lt': 'fail',
  'SecurityGroupUnrestrictedIngress22/aws_security_group.not_self': 'pass',
};

/** KICS query directory → the rules that judge the same thing and the resource types it covers. */
const KICS = {
  ebs_volume_encryption_disabled: { rules: VOLUME_RULES, types: ['AWS::EC2::Volume', 'aws_ebs_volume'] },
  ebs_default_encryption_disabled: { rules: VOLUME_RULES, types: ['aws_ebs_encryption_by_default'] },
  launch_configuration_is_not_encrypted: { rules: VOLUME_RULES, types: ['aws_launch_configuration'] },
  ami_not_encrypted: { rules: VOLUME_RULES, types: ['aws_ami'] },
  ebs_volume_snapshot_not_encrypted: { rules: VOLUME_RULES, types: ['aws_ebs_snapshot', 'aws_ebs_volume'] },
  imdsv1_is_enabled: { rules: IMDS_RULES, types: ['aws_instance', 'aws_launch_template'] },
  eks_node_group_remote_access: { rules: SG_RULES, types: EKS_TYPES },
  eks_node_group_remote_access_disabled: { rules: SG_RULES, types: EKS_TYPES },
};
const KICS_DEFAULT = { rules: SG_RULES, types: [...SG_TYPES, 'AWS::EC2::Instance', 'aws_instance'] };

/**
 * Why a disagreement that remains is right for isolint, by `<peer>:<fixture path>:<resource>` (a resource
 * of `*` covers the whole file). Decided by AWS's documented behaviour; see the report for the sources.
 */
const REASONS = JSON.parse(readFileSync(join(here, 'peer-agreement-reasons.json'), 'utf8'));

// ---------------------------------------------------------------------------------------------

/** Resources of a file with their line ranges: Terraform blocks, plan JSON resources, CloudFormation resources. */
function resourcesOf(file) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const found = [];
  const close = (endLine) => {
    const last = found[found.length - 1];
    if (last && last.end === undefined) last.end = endLine;
  };
  if (file.endsWith('.tf')) {
    lines.forEach((line, i) => {
      const match = /^resource\s+"([^"]+)"\s+"([^"]+)"/.exec(line);
      if (match) {
        close(i);
        found.push({ type: match[1], name: `${match[1]}.${match[2]}`, start: i + 1 });
      } else if (/^\S/.test(line) && !/^[}#/]/.test(line)) close(i);
    });
    close(lines.length);
    return found;
  }
  const text = lines.join('\n');
  if (/"planned_values"|"resource_changes"/.test(text)) {
    // Plan JSON: a resource starts at its `"address"` line; planned values and changes are one resource.
    const seen = new Map();
    lines.forEach((line, i) => {
      const match = /^\s*"address":\s*"([^"]+)"/.exec(line);
      if (!match) return;
      close(i);
      const type = /([a-z0-9_]+)\.[^.]+$/.exec(match[1].replace(/\[[^\]]*\]$/, ''))?.[1] ?? '?';
      found.push({ type, name: match[1], start: i });
      seen.set(match[1], true);
    });
    close(lines.length);
    return found;
  }
  // CloudFormation, YAML or JSON: keys one level under `Resources`.
  const start = lines.findIndex((line) => /^\s*"?Resources"?\s*:/.test(line));
  if (start < 0) return found;
  const resourcesIndent = /^\s*/.exec(lines[start])[0].length;
  let childIndent;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const indent = /^\s*/.exec(line)[0].length;
    if (indent <= resourcesIndent && !/^\s*[}\]]/.test(line)) {
      close(i);
      break;
    }
    childIndent ??= indent;
    if (indent === childIndent) {
      const key = /^\s*"?([A-Za-z0-9]+)"?\s*:/.exec(line);
      if (key) {
        close(i);
        found.push({ type: '?', name: key[1], start: i + 1 });
      }
    } else if (indent > childIndent) {
      const type = /^\s*"?Type"?\s*:\s*["']?([A-Za-z0-9:]+)/.exec(line);
      const last = found[found.length - 1];
      if (type && last && last.type === '?' && last.end === undefined) last.type = type[1];
    }
  }
  close(lines.length);
  return found;
}

function filesUnder(directory, accept) {
  const out = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, accept));
    else if (accept(path)) out.push(path);
  }
  return out.sort();
}

/** isolint's verdict per resource of `files` (checked together as one input set). */
async function verdicts(target, files, rules) {
  const result = await check({ paths: [target], cwd: suites, root: suites, onlyRules: rules, measureImages: false });
  const byFile = new Map();
  for (const file of files) byFile.set(file, resourcesOf(file));
  const verdictOf = new Map();
  const problems = result.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  for (const finding of result.findings) {
    if (finding.suppression) continue;
    const file = resolve(suites, finding.location.file);
    const resource = (byFile.get(file) ?? []).find(
      (r) => r.start <= finding.location.startLine && finding.location.startLine <= r.end,
    );
    if (!resource) continue;
    const key = `${file}\0${resource.name}`;
    const level = finding.severity === 'note' ? 'undecided' : 'flagged';
    const entry = verdictOf.get(key) ?? { level: 'silent', messages: [] };
    if (level === 'flagged' || entry.level === 'silent') entry.level = level;
    entry.messages.push(`${finding.severity} ${finding.location.startLine}: ${finding.message}`);
    verdictOf.set(key, entry);
  }
  return { byFile, verdictOf, problems };
}

function reasonFor(peer, path, resource) {
  return REASONS[`${peer}:${path}:${resource}`] ?? REASONS[`${peer}:${path}:*`];
}

async function checkovUnits() {
  const base = join(suites, 'checkov');
  const units = [];
  const problems = [];
  for (const platform of ['terraform', 'cloudformation']) {
    const platformDir = join(base, platform);
    if (!existsSync(platformDir)) continue;
    for (const example of readdirSync(platformDir).sort()) {
      const spec = CHECKOV[example];
      if (!spec) continue;
      const directory = join(platformDir, example);
      const files = filesUnder(directory, (p) => /\.(tf|ya?ml|json)$/.test(p));
      // A Terraform example directory is one module; CloudFormation files are templates of their own.
      const targets = platform === 'terraform' ? [[directory, files]] : files.map((f) => [f, [f]]);
      for (const [target, targetFiles] of targets) {
        const { byFile, verdictOf, problems: found } = await verdicts(target, targetFiles, spec.rules);
        problems.push(...found);
        for (const [file, resources] of byFile) {
          const fileExpectation = /-FAILED|(^|\/)FAILED/.test(basename(file))
            ? 'fail'
            : /-PASSED|(^|\/)PASSED/.test(basename(file))
              ? 'pass'
              : undefined;
          for (const resource of resources) {
            if (!spec.types.includes(resource.type)) continue;
            const named =
              CHECKOV_NAMED[`${example}/${resource.name}`] ??
              (/\.(fail)/.test(resource.name) ? 'fail' : /\.(pass)/.test(resource.name) ? 'pass' : undefined);
            const expected = platform === 'terraform' ? named : fileExpectation;
            units.push(unit('checkov', file, resource, expected, verdictOf));
          }
        }
      }
    }
  }
  return { units, problems };
}

async function kicsUnits() {
  const base = join(suites, 'kics');
  const units = [];
  const problems = [];
  const queries = filesUnder(base, (p) => basename(p) === 'metadata.json').map(dirname);
  for (const query of queries) {
    const spec = KICS[basename(query)] ?? KICS_DEFAULT;
    const testDir = join(query, 'test');
    const expectedFile = join(testDir, 'positive_expected_result.json');
    const expectedLines = new Set(
      existsSync(expectedFile)
        ? JSON.parse(readFileSync(expectedFile, 'utf8')).map((e) => `${e.fileName ?? e.filename ?? '*'}:${e.line}`)
        : [],
    );
    const files = filesUnder(testDir, (p) => /(positive|negative)[^/]*\.(tf|ya?ml|json)$/.test(basename(p)));
    for (const file of files) {
      if (basename(file) === 'positive_expected_result.json') continue;
      const { byFile, verdictOf, problems: found } = await verdicts(file, [file], spec.rules);
      problems.push(...found);
      for (const resource of byFile.get(file) ?? []) {
        const holds = [...expectedLines].some((key) => {
          const [name, line] = key.split(':');
          // An entry without a file name is about the query's positive file(s).
          const named = name === '*' ? basename(file).startsWith('positive') : name === basename(file);
          return named && resource.start <= Number(line) && Number(line) <= resource.end;
        });
        if (!holds && !spec.types.includes(resource.type)) continue;
        units.push(unit('kics', file, resource, holds ? 'fail' : 'pass', verdictOf));
      }
    }
  }
  return { units, problems };
}

function unit(peer, file, resource, expected, verdictOf) {
  const verdict = verdictOf.get(`${file}\0${resource.name}`) ?? { level: 'silent', messages: [] };
  const path = relative(join(suites, peer), file);
  const agrees = expected === undefined ? undefined : (verdict.level === 'flagged') === (expected === 'fail');
  return {
    peer,
    file: path,
    resource: resource.name,
    line: resource.start,
    expected: expected ?? 'unknown',
    isolint: verdict.level,
    agrees,
    messages: verdict.messages,
    reason: agrees === false ? reasonFor(peer, path, resource.name) : undefined,
  };
}

const report = {};
for (const [peer, collect] of [
  ['checkov', checkovUnits],
  ['kics', kicsUnits],
]) {
  if (peerArg && peerArg !== peer) continue;
  if (!existsSync(join(suites, peer))) continue;
  const { units, problems } = await collect();
  const judged = units.filter((u) => u.agrees !== undefined);
  report[peer] = {
    agree: judged.filter((u) => u.agrees).length,
    judged: judged.length,
    peerFlags: judged.filter((u) => u.expected === 'fail').length,
    isolintFlagsOfThose: judged.filter((u) => u.expected === 'fail' && u.isolint === 'flagged').length,
    peerPasses: judged.filter((u) => u.expected === 'pass').length,
    isolintSilentOnThose: judged.filter((u) => u.expected === 'pass' && u.isolint !== 'flagged').length,
    unexplained: judged.filter((u) => u.agrees === false && !u.reason).length,
    problems,
    disagreements: judged.filter((u) => !u.agrees),
  };
}

if (json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  for (const [peer, r] of Object.entries(report)) {
    console.log(`${peer}: ${r.agree}/${r.judged} resources agree`);
    console.log(`  ${peer} flags ${r.peerFlags}: isolint flags ${r.isolintFlagsOfThose} of them`);
    console.log(`  ${peer} passes ${r.peerPasses}: isolint silent or undecided on ${r.isolintSilentOnThose}`);
    if (r.problems.length) {
      console.log(`  input problems (${r.problems.length}):`);
      for (const p of r.problems) console.log(`    ${p}`);
    }
    console.log(`  disagreements (${r.disagreements.length}, ${r.unexplained} without a recorded reason):`);
    for (const d of r.disagreements) {
      console.log(`    ${d.file}:${d.line} ${d.resource}: ${peer} ${d.expected}s, isolint ${d.isolint}`);
      console.log(`      ${d.reason ? `reason: ${d.reason}` : 'NO RECORDED REASON'}`);
      for (const m of d.messages.slice(0, 2)) console.log(`      ${m}`);
    }
  }
}
