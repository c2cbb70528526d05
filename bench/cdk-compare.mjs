// Compares, on the fixture CDK app (fixtures/cdk/app): CDK's built-in validation (the CloudFormation
// Validate plugin's policy-validation report), cdk-nag's AwsSolutions pack, and isolint (as the synth
// plugin, and `check` on the synthesized assembly). Prints wall times and each tool's findings.
// Run after `npm run build`: node bench/cdk-compare.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', 'out', 'cdk-compare');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// The fixture app is TypeScript: compile it once (CommonJS, as a CDK app's tsconfig says) under bench/out/.
const appJs = join(OUT, 'app-js');
let started = performance.now();
execFileSync(process.execPath, [
  join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
  '-p',
  join(ROOT, 'fixtures', 'cdk', 'app', 'tsconfig.json'),
  '--noEmit',
  'false',
  '--outDir',
  appJs,
]);
writeFileSync(join(appJs, 'package.json'), '{"type":"commonjs"}\n');
console.log(`compiled the fixture app in ${ms(started)}`);

const require = createRequire(join(appJs, 'lib', 'build-app.js'));
started = performance.now();
const { buildApp } = require(join(appJs, 'lib', 'build-app.js'));
const cdk = require('aws-cdk-lib');
const nag = require('cdk-nag');
console.log(`loaded aws-cdk-lib and cdk-nag in ${ms(started)}\n`);
const { IsolintValidator } = await import(join(ROOT, 'dist', 'src', 'cdk', 'index.js'));
const { check } = await import(join(ROOT, 'dist', 'src', 'index.js'));

/** Synthesizes into OUT/<name>, returning the wall time; validation failures are reported, not thrown. */
function synth(name, props, prepare) {
  const outdir = join(OUT, name);
  const started = performance.now();
  const app = buildApp({
    outdir,
    ...props,
    context: { '@aws-cdk/core:validationReportJson': true, ...(props.context ?? {}) },
  });
  prepare?.(app);
  let failed = false;
  try {
    app.synth();
  } catch {
    failed = true;
  }
  return { outdir, wall: performance.now() - started, failed };
}

const rows = [];
const quiet = { builtinCloudFormationValidation: false };

const plain = synth('plain', quiet);
rows.push({ tool: 'cdk synth, no validation (baseline)', wall: plain.wall, findings: [] });

const builtin = synth('builtin', {});
rows.push({
  tool: 'CDK built-in validation (CloudFormation Validate)',
  wall: builtin.wall,
  findings: reportFindings(builtin.outdir, 'CloudFormation Validate'),
});

// cdk-nag 3 is itself a validation plugin: Validations.of(app).addPlugins(new AwsSolutionsChecks(app)).
const nagged = synth('cdk-nag', quiet, (app) => cdk.Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app)));
rows.push({
  tool: 'cdk-nag AwsSolutions',
  wall: nagged.wall,
  findings: [...reportFindings(nagged.outdir, 'AwsSolutions'), ...nagReport(nagged.outdir)],
});

const plugin = synth('isolint-plugin', { ...quiet, policyValidationBeta1: [new IsolintValidator()] });
rows.push({ tool: 'isolint plugin in synth', wall: plugin.wall, findings: reportFindings(plugin.outdir, 'isolint') });

started = performance.now();
const result = await check({ paths: [plain.outdir], cwd: ROOT, root: ROOT, measureImages: false });
rows.push({
  tool: 'isolint check cdk.out (in-process, after synth)',
  wall: performance.now() - started,
  findings: result.findings.map(
    (f) =>
      `${f.ruleId} ${f.location.logicalLocation?.fullyQualifiedName ?? '?'} @ ${f.location.file}:${f.location.startLine}`,
  ),
});
started = performance.now();
execFileSync(
  process.execPath,
  [
    join(ROOT, 'bin', 'isolint.js'),
    'check',
    '--format',
    'sarif',
    '--fail-on',
    'none',
    '-o',
    join(OUT, 'isolint.sarif'),
    plain.outdir,
  ],
  { cwd: ROOT },
);
rows.push({ tool: 'isolint CLI, SARIF (new process)', wall: performance.now() - started, findings: [] });

for (const row of rows) {
  console.log(`${row.tool.padEnd(52)} ${ms(row.wall).padStart(9)}   ${row.findings.length} findings`);
}
for (const row of rows.filter((r) => r.findings.length)) {
  console.log(`\n${row.tool}:`);
  for (const finding of row.findings) console.log(`  ${finding}`);
}

function reportFindings(outdir, pluginName) {
  const path = join(outdir, 'validation-report.json');
  if (!existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const plugin = report.pluginReports.find((p) => p.pluginName === pluginName);
  return (plugin?.violations ?? []).flatMap((v) =>
    (v.violatingConstructs ?? [{}]).map((c) => `${v.ruleName} ${c.constructPath ?? '?'}${sourceLine(c.stackTraces)}`),
  );
}

function sourceLine(traces) {
  const match = /(fixtures\/cdk\/app\/lib\/[^:\s]+\.ts:\d+)/.exec((traces ?? []).join('\n'));
  return match ? ` @ ${match[1]}` : '';
}

function nagReport(outdir) {
  const findings = [];
  for (const file of readdirSync(outdir).filter((name) => name.startsWith('AwsSolutions-') && name.endsWith('.csv'))) {
    for (const line of readFileSync(join(outdir, file), 'utf8').split('\n').slice(1)) {
      const [rule, resource, compliance] = line.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
      if (compliance === 'Non-Compliant') findings.push(`${rule} ${resource}`);
    }
  }
  return findings;
}

function ms(value) {
  return `${value.toFixed(0)} ms`;
}
