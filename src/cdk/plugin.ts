import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// Types only: aws-cdk-lib is the user's dependency (a peer of isolint/cdk), never loaded by isolint itself.
import type {
  IPolicyValidationContext,
  IPolicyValidationContextBeta1,
  IPolicyValidationPlugin,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReport,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { builtinRules } from '../../rules/index.js';
import { VERSION } from '../version.js';

export interface IsolintValidatorOptions {
  /** Run only these rules (default: all). */
  rules?: string[];
  /** Skip these rules. */
  skipRules?: string[];
  /** The lowest severity that fails the synth (default error); lower ones are reported, not failing. */
  failOn?: 'error' | 'warning' | 'note' | 'none';
  /** Config file (default: .isolint.yaml found upward from the working directory). */
  config?: string;
}

interface JsonFinding {
  ruleId: string;
  severity: 'error' | 'warning' | 'note';
  message: string;
  subject: string;
  location: { file: string; startLine: number; pointer?: string };
  suppression?: unknown;
}

const RANK = { note: 1, warning: 2, error: 3, none: 4 } as const;

/**
 * isolint as a CDK policy-validation plugin: after `cdk synth` writes the templates, isolint's rules run
 * on them and their findings come back as violations with the resource's logical id and the property
 * path; CDK adds the construct path and, from the construct's creation stack, the app's `file.ts:line:col`
 * to its validation report.
 *
 * One class serves both registrations aws-cdk-lib has had: `IPolicyValidationPlugin` (current releases)
 * and the deprecated `IPolicyValidationPluginBeta1` (older ones). The two differ only in what the context
 * carries beyond `templatePaths` (which is all isolint reads) and in the new report's optional resource
 * fields, so a Beta1 report is a valid report of either kind.
 *
 *     import { Validations } from 'aws-cdk-lib';
 *     import { IsolintValidator } from 'isolint/cdk';
 *     Validations.of(app).addPlugins(new IsolintValidator());
 *     // older aws-cdk-lib: new App({ policyValidationBeta1: [new IsolintValidator()] })
 *
 * CDK calls `validate` synchronously, and isolint's checks are asynchronous, so the plugin runs the
 * isolint CLI of this package in a child process (the same way CDK's own CloudFormation Validate
 * plugin runs its tool) and reads its JSON report.
 */
export class IsolintValidator implements IPolicyValidationPlugin, IPolicyValidationPluginBeta1 {
  readonly name = 'isolint';
  readonly version = VERSION;
  readonly ruleIds: string[];

  constructor(private readonly options: IsolintValidatorOptions = {}) {
    this.ruleIds = builtinRules
      .map((rule) => rule.id)
      .filter((id) => (!options.rules?.length || options.rules.includes(id)) && !options.skipRules?.includes(id));
  }

  validate(
    context: IPolicyValidationContext | IPolicyValidationContextBeta1,
  ): PolicyValidationPluginReport & PolicyValidationPluginReportBeta1 {
    const templates = withNestedTemplates(context.templatePaths.map((path) => resolve(path)));
    if (templates.length === 0) return { success: true, violations: [], pluginVersion: VERSION };
    const args = [isolintBin(), 'check', '--format', 'json', '--fail-on', 'none'];
    for (const id of this.options.rules ?? []) args.push('--rule', id);
    for (const id of this.options.skipRules ?? []) args.push('--skip-rule', id);
    if (this.options.config) args.push('--config', this.options.config);
    args.push(...templates);
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    let report: { findings?: JsonFinding[]; problems?: Array<{ file?: string; message: string; level: string }> };
    try {
      report = JSON.parse(run.stdout) as typeof report;
    } catch {
      const reason = (run.stderr || run.error?.message || `exit code ${run.status}`).trim().split('\n')[0];
      return {
        success: false,
        pluginVersion: VERSION,
        violations: [
          {
            ruleName: 'isolint-run',
            description: `isolint could not check the templates: ${reason}`,
            violatingResources: [],
          },
        ],
      };
    }
    const failOn = RANK[this.options.failOn ?? 'error'];
    const findings = (report.findings ?? []).filter((finding) => !finding.suppression);
    const violations = findings.map((finding) => toViolation(finding, templates));
    const problems: PolicyViolationBeta1[] = (report.problems ?? [])
      .filter((problem) => problem.level === 'error')
      .map((problem) => ({
        ruleName: 'isolint-input',
        description: `${problem.file ?? ''}: ${problem.message}`,
        violatingResources: [],
      }));
    return {
      success: problems.length === 0 && !findings.some((finding) => RANK[finding.severity] >= failOn),
      pluginVersion: VERSION,
      violations: [...violations, ...problems],
    };
  }
}

function toViolation(finding: JsonFinding, templates: string[]): PolicyViolationBeta1 {
  const rule = builtinRules.find((candidate) => candidate.id === finding.ruleId);
  const parts = (finding.location.pointer ?? '')
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  // The subject is `<template>#<LogicalId>` (or a part of it, `#Instance/BlockDeviceMappings/0`).
  const logicalId =
    parts[0] === 'Resources' && parts[1] ? parts[1] : (finding.subject.split('#')[1] ?? '').split('/')[0];
  const templatePath = templates.find((path) => finding.location.file.endsWith(basename(path))) ?? templates[0];
  const location = parts[0] === 'Resources' && parts.length > 2 ? parts.slice(2).join('.') : 'Properties';
  return {
    ruleName: finding.ruleId,
    description: finding.message,
    ...(rule ? { fix: rule.fix } : {}),
    severity: finding.severity,
    violatingResources: logicalId ? [{ resourceLogicalId: logicalId, templatePath, locations: [location] }] : [],
  };
}

/** This package's CLI launcher: `bin/isolint.js` beside the package.json above this module (src/ or dist/src/). */
function isolintBin(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = join(directory, 'bin', 'isolint.js');
    if (existsSync(candidate) && existsSync(join(directory, 'package.json'))) return candidate;
    directory = dirname(directory);
  }
  throw new Error('isolint/cdk: cannot find the isolint CLI (bin/isolint.js) of this package');
}

/**
 * CDK hands plugins the top-level stacks' templates only; a nested stack's template is an asset of its
 * parent (`AWS::CloudFormation::Stack` with `Metadata["aws:asset:path"]`), checked here as well.
 */
function withNestedTemplates(templates: string[]): string[] {
  const all = [...templates];
  for (let index = 0; index < all.length && all.length < 1000; index++) {
    let template: { Resources?: Record<string, { Type?: string; Metadata?: Record<string, unknown> }> };
    try {
      template = JSON.parse(readFileSync(all[index], 'utf8')) as typeof template;
    } catch {
      continue;
    }
    for (const resource of Object.values(template.Resources ?? {})) {
      const asset = resource?.Metadata?.['aws:asset:path'];
      if (resource?.Type !== 'AWS::CloudFormation::Stack' || typeof asset !== 'string' || !asset.endsWith('.json'))
        continue;
      const nested = resolve(dirname(all[index]), asset);
      if (dirname(nested) === dirname(all[index]) && existsSync(nested) && !all.includes(nested)) all.push(nested);
    }
  }
  return all;
}
