import { pathToFileURL } from 'node:url';
import type { CheckResult, InputProblem } from '../engine/check.js';
import type { Finding } from '../engine/finding.js';
import type { Rule, Severity } from '../engine/rule.js';
import type { SourceSpan } from '../model/source.js';
import { HOMEPAGE, VERSION, ruleHelpUri } from '../version.js';
import { jsonWithStreamedArray } from './json-stream.js';
import { lineHashes } from './line-hash.js';
import { SourceTexts } from './source-text.js';

/** SARIF 2.1.0 for GitHub code scanning and other viewers (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html and https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning). */
export interface SarifOptions {
  /** Keep suppressed results (with their `suppressions`); GitHub shows them as open alerts, so off by default. */
  includeSuppressed?: boolean;
  /** runAutomationDetails.id, e.g. "isolint/manifests/" for one upload category per input family. */
  category?: string;
  /** Write the absolute root into originalUriBaseIds (off by default: it leaks machine paths). */
  includeRootUri?: boolean;
  /** With a baseline: keep unchanged results and list absent ones (baselineState), for viewers that filter. */
  includeUnchanged?: boolean;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

const NOTIFICATIONS = [
  {
    id: 'input-error',
    name: 'InputError',
    shortDescription: { text: 'An input could not be read or understood.' },
    fullDescription: {
      text: 'A file given to isolint could not be read, parsed or validated; nothing in it was checked.',
    },
    help: { text: 'Fix the file at the line the message names, or exclude it from the scan.' },
  },
  {
    id: 'input-warning',
    name: 'InputWarning',
    shortDescription: { text: 'Something in the inputs or configuration was ignored.' },
    fullDescription: {
      text: 'A setting, suppression or file was skipped or ignored; the rest of the run is unaffected.',
    },
    help: { text: 'Read the message: it names what was ignored and why.' },
  },
] as const;

type SarifInput = Pick<CheckResult, 'findings' | 'problems' | 'rules' | 'root' | 'absent'> &
  Partial<Pick<CheckResult, 'sources'>>;

/** The SARIF log as one object (the API; the CLI writes `sarifText`, which never holds it whole). */
export function toSarif(result: SarifInput, options: SarifOptions = {}): object {
  const { log, results } = sarifLog(result, options);
  return log([...results()]);
}

const RESULTS = '\u0000isolint:results\u0000';

/**
 * The SARIF log as text, `JSON.stringify(toSarif(…), null, 2)` exactly, written a result at a time: memory
 * stays what one result needs plus the run's findings (a million findings made a log larger than a string may be).
 */
export function sarifText(result: SarifInput, options: SarifOptions = {}): Iterable<string> {
  const { log, results } = sarifLog(result, options);
  return jsonWithStreamedArray(log(RESULTS), RESULTS, results());
}

/** The log around its results, and the results one by one (each made when it is written). */
function sarifLog(
  result: SarifInput,
  options: SarifOptions,
): { log: (results: unknown) => object; results: () => Iterable<object> } {
  const texts = new SourceTexts(result.root, result.sources);
  const hashes = new Map<string, string[]>();
  // Hashes only of the lines results start on (a large input has millions of lines and a few findings).
  const linesByFile = new Map<string, Set<number>>();
  const hashOf = (span: SourceSpan): string | undefined => {
    if (!hashes.has(span.file)) {
      const text = texts.text(span.file);
      hashes.set(span.file, text === undefined ? [] : lineHashes(text, linesByFile.get(span.file)));
    }
    return hashes.get(span.file)![span.startLine - 1];
  };
  const ruleIndex = new Map(result.rules.map((rule, index) => [rule.id, index]));
  const findings = result.findings.filter(
    (f) =>
      (options.includeSuppressed || !f.suppression) && (options.includeUnchanged || f.baselineState !== 'unchanged'),
  );
  const absent = options.includeUnchanged ? (result.absent ?? []) : [];
  for (const { location } of findings) {
    let lines = linesByFile.get(location.file);
    if (!lines) linesByFile.set(location.file, (lines = new Set()));
    lines.add(location.startLine);
  }

  function* results(): Generator<object> {
    for (const finding of findings)
      yield sarifResult(finding, ruleIndex.get(finding.ruleId) ?? 0, hashOf, snippetOf(texts, finding.location));
    for (const entry of absent) {
      if (!ruleIndex.has(entry.ruleId)) continue;
      yield {
        ruleId: entry.ruleId,
        ruleIndex: ruleIndex.get(entry.ruleId),
        level: entry.severity ?? 'warning',
        message: { text: entry.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(entry.file),
              region: { startLine: entry.line },
            },
          },
        ],
        partialFingerprints: { 'isolint/v1': entry.fingerprint },
        baselineState: 'absent',
      };
    }
  }

  const log = (results: unknown): object => {
    const run: Record<string, unknown> = {
      tool: {
        driver: {
          name: 'isolint',
          fullName: 'isolint isolation verifier',
          semanticVersion: VERSION,
          version: VERSION,
          informationUri: HOMEPAGE,
          rules: result.rules.map(ruleDescriptor),
          notifications: NOTIFICATIONS,
        },
      },
      invocations: [
        {
          executionSuccessful: !result.problems.some((p) => p.level === 'error'),
          toolExecutionNotifications: result.problems.map((problem) => notification(problem)),
        },
      ],
      columnKind: 'utf16CodeUnits',
      results,
    };
    if (options.includeRootUri) {
      run.originalUriBaseIds = { [SRCROOT]: { uri: pathToFileURL(result.root).href.replace(/\/?$/, '/') } };
    }
    if (options.category) run.automationDetails = { id: options.category };
    return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
  };
  return { log, results };
}

const LEVEL_TO_PROBLEM_SEVERITY: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  note: 'recommendation',
};

function ruleDescriptor(rule: Rule): object {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: limit(`${rule.title}.`) },
    fullDescription: { text: limit(rule.rationale) },
    help: { text: `${rule.rationale}\n\nHow to fix: ${rule.fix}`, markdown: ruleHelpMarkdown(rule) },
    helpUri: ruleHelpUri(rule.id),
    defaultConfiguration: { level: rule.severity },
    properties: {
      tags: rule.tags.slice(0, 20),
      precision: rule.precision,
      'problem.severity': LEVEL_TO_PROBLEM_SEVERITY[rule.severity],
      'security-severity': rule.securitySeverity.toFixed(1),
    },
  };
}

export function ruleHelpMarkdown(rule: Rule): string {
  return [
    `**${rule.title}**`,
    '',
    rule.rationale,
    '',
    '**How to fix**',
    '',
    rule.fix,
    '',
    '**Sources**',
    '',
    ...rule.sources.map((source) => `- ${source}`),
  ].join('\n');
}

/** SARIF limits descriptions to 1024 characters (GitHub code scanning: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object). */
function limit(text: string): string {
  return text.length <= 1024 ? text : `${text.slice(0, 1021)}...`;
}

function artifactLocation(file: string): object {
  if (file.startsWith('/')) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(file).replace(/[?#]/g, encodeURIComponent), uriBaseId: SRCROOT };
}

function physicalLocation(span: SourceSpan, snippet?: string): object {
  // SARIF regions need ordered, non-empty ranges; an empty span still covers one column.
  const endColumn = span.endLine === span.startLine ? Math.max(span.endColumn, span.startColumn + 1) : span.endColumn;
  return {
    artifactLocation: artifactLocation(span.file),
    region: {
      startLine: span.startLine,
      startColumn: span.startColumn,
      endLine: span.endLine,
      endColumn,
      // Viewers without a checkout show the snippet (SARIF2010).
      ...(snippet !== undefined ? { snippet: { text: snippet } } : {}),
    },
  };
}

/** The text a region covers (whole lines for multi-line regions), when the file can still be read. */
function snippetOf(texts: SourceTexts, span: SourceSpan): string | undefined {
  const first = texts.line(span.file, span.startLine);
  if (first === undefined) return undefined;
  if (span.endLine === span.startLine) {
    const text = first.slice(span.startColumn - 1, Math.max(span.endColumn, span.startColumn + 1) - 1);
    return text.length > 0 ? text : undefined;
  }
  return first.slice(span.startColumn - 1) || undefined;
}

function sarifResult(
  finding: Finding,
  ruleIndex: number,
  hashOf: (span: SourceSpan) => string | undefined,
  snippet: string | undefined,
): object {
  const related = finding.related.map((location, index) => ({
    id: index + 1,
    message: { text: location.label },
    physicalLocation: physicalLocation(location.span),
  }));
  // GitHub renders related locations only when the message links them as [label](id).
  const links = related.length ? ` See ${related.map((r) => `[${r.message.text}](${r.id})`).join(', ')}.` : '';
  const lineHash = hashOf(finding.location);
  const result: Record<string, unknown> = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    // --- inputs generated from a program (CDK, src/cdk/): the construct path, and why a line is only approximate
    message: {
      text: `${finding.message}${finding.location.locationNote ? ` (${finding.location.locationNote}.)` : ''}${links}`,
    },
    locations: [
      {
        physicalLocation: physicalLocation(finding.location, snippet),
        ...(finding.location.logicalLocation ? { logicalLocations: [{ ...finding.location.logicalLocation }] } : {}),
      },
    ],
    partialFingerprints: {
      ...(lineHash ? { primaryLocationLineHash: lineHash } : {}),
      'isolint/v1': finding.fingerprint,
    },
  };
  if (related.length) result.relatedLocations = related;
  if (finding.baselineState) result.baselineState = finding.baselineState;
  if (finding.suppression) {
    result.suppressions = [
      {
        kind: finding.suppression.kind,
        status: 'accepted',
        justification: finding.suppression.reason,
        ...(finding.suppression.source
          ? { location: { physicalLocation: physicalLocation(finding.suppression.source) } }
          : {}),
      },
    ];
  }
  return result;
}

function notification(problem: InputProblem): object {
  const descriptor = problem.level === 'error' ? NOTIFICATIONS[0] : NOTIFICATIONS[1];
  const location = problem.file
    ? [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(problem.file),
            ...(problem.line
              ? { region: { startLine: problem.line, ...(problem.column ? { startColumn: problem.column } : {}) } }
              : {}),
          },
        },
      ]
    : undefined;
  return {
    descriptor: { id: descriptor.id, index: NOTIFICATIONS.indexOf(descriptor) },
    level: problem.level,
    message: {
      text: problem.offset !== undefined ? `${problem.message} (at byte ${problem.offset})` : problem.message,
    },
    ...(location ? { locations: location } : {}),
  };
}
