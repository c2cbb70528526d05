import { createHash } from 'node:crypto';
import { closest } from '../suggest.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { builtinRules } from '../../rules/index.js';
import { InputError, UsageError } from '../errors.js';
import type { Adapter } from '../ingest/adapter.js';
import { adapters as builtinAdapters } from '../ingest/index.js';
import type { Graph } from '../model/graph.js';
import type { GraphEdge, GraphFragment, GraphNode, InlineSuppression } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';
import type { IsolintBaseline } from '../generated/baseline.js';
import { assembleGraph } from './assemble.js';
import { applyBaseline, type BaselineEntry } from './baseline.js';
import { CONFIG_FILE_NAMES, resolveConfig, type ResolvedConfig } from './config.js';
import { discoverFiles } from './discover.js';
import { compareFindings, type AppliedSuppression, type Finding } from './finding.js';
import { globToRegExp } from './glob.js';
import { measureImages } from './measure-images.js';
import { renderMessage, type RelatedLocation, type ReportDescriptor, type Rule, type Severity } from './rule.js';

/** Inputs larger than this are refused with a message, not read (hostile or accidental giant files). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface CheckOptions {
  /** Files and directories to check. */
  paths: string[];
  /** Working directory paths are relative to (default process.cwd()). */
  cwd?: string;
  /** A loaded config, or the path of one; default: .isolint.yaml found upward from cwd. */
  config?: ResolvedConfig | string;
  /** Run only these rules. */
  onlyRules?: string[];
  /** Skip these rules. */
  skipRules?: string[];
  /** Root that paths in findings are relative to (default: the git repository around cwd, else cwd). */
  root?: string;
  /** "Today" for suppression expiry (tests pin it). */
  today?: Date;
  /** Extra adapters (embedders); the built-in ones always run. */
  adapters?: Adapter[];
  /** Measure the enclave images manifests name, so expected PCRs are checked against them (default true). */
  measureImages?: boolean;
  /** Findings accepted earlier: matching findings are marked unchanged, the rest new (see baseline.ts). */
  baseline?: IsolintBaseline;
  /** The team's own rules (see custom-rules.ts), run after the built-in ones. */
  extraRules?: readonly Rule[];
  /** Per-file size cap (default: the config's maxFileSizeMiB, else MAX_INPUT_BYTES); the CLI's --max-file-size sets it. */
  maxInputBytes?: number;
}

/** An input that could not be read or understood, or a problem in the run itself. */
export interface InputProblem {
  file?: string;
  line?: number;
  column?: number;
  offset?: number;
  message: string;
  /** error: an input could not be checked; warning: something was skipped or ignored. */
  level: 'error' | 'warning';
}

export interface CheckedFile {
  file: string;
  format: string;
}

export interface CheckResult {
  /** All findings, suppressed ones included (they carry `suppression`), in a stable order. */
  findings: Finding[];
  problems: InputProblem[];
  files: CheckedFile[];
  /** The rules that ran. */
  rules: Rule[];
  config: ResolvedConfig;
  /** Absolute root that finding paths are relative to. */
  root: string;
  graph: Graph;
  /** With a baseline: its findings that are gone now. */
  absent?: BaselineEntry[];
}

/** The git repository around a directory, if any. */
export function findGitRoot(from: string): string | undefined {
  let directory = resolve(from);
  for (;;) {
    if (existsSync(join(directory, '.git'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** What finding paths are relative to: the git repository around a directory, else the directory itself. */
export function findRepositoryRoot(from: string): string {
  return findGitRoot(from) ?? resolve(from);
}

/** A path as people and SARIF see it: relative to the root with `/`, or absolute when outside it. */
export function displayPath(absolutePath: string, root: string): string {
  const path = relative(root, absolutePath);
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return absolutePath.split(sep).join('/');
  return path.split(sep).join('/');
}

export async function check(options: CheckOptions): Promise<CheckResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = resolve(options.root ?? findRepositoryRoot(cwd));
  const config = typeof options.config === 'object' ? options.config : resolveConfig(cwd, options.config);
  const adapters = [...builtinAdapters, ...(options.adapters ?? [])];
  const extensions = new Set(adapters.flatMap((adapter) => adapter.extensions));
  const problems: InputProblem[] = [];

  const discovered = discoverFiles(options.paths, cwd, extensions, {
    directory: config.directory,
    globs: config.exclude,
  });
  for (const problem of discovered.problems) {
    problems.push({ file: displayPath(problem.path, root), message: problem.message, level: 'error' });
  }

  const fragments: GraphFragment[] = [];
  const files: CheckedFile[] = [];
  const maxInputBytes =
    options.maxInputBytes ?? (config.maxFileSizeMiB !== undefined ? config.maxFileSizeMiB * 1048576 : MAX_INPUT_BYTES);
  // --- inputs made of several files (a CDK cloud assembly reads its own templates; src/cdk/): skip those files
  const owned = new Set(
    discovered.files.flatMap(({ absolutePath }) => adapters.flatMap((adapter) => adapter.owns?.(absolutePath) ?? [])),
  );
  for (const { absolutePath, explicit } of discovered.files) {
    if (owned.has(absolutePath) && !explicit) continue;
    const file = displayPath(absolutePath, root);
    if (CONFIG_FILE_NAMES.includes(basename(absolutePath))) continue;
    try {
      const size = statSync(absolutePath).size;
      if (size > maxInputBytes) {
        throw new InputError(
          `file is ${Math.round(size / 1048576)} MiB, over the ${Math.round(maxInputBytes / 1048576)} MiB limit for inputs (raise it with --max-file-size or maxFileSizeMiB in .isolint.yaml)`,
          { file },
        );
      }
      const text = stripBom(readFileSync(absolutePath, 'utf8'));
      const input = { file, absolutePath, text };
      const adapter = adapters.find((candidate) => candidate.claims(input));
      if (!adapter) {
        if (explicit) {
          throw new InputError('not an input isolint reads (expected a host manifest with apiVersion: isolint/v1)', {
            file,
          });
        }
        continue;
      }
      // Formats with asynchronous set-up (the Terraform parser's WASM) get it once, only when used.
      if (adapter.prepare) await adapter.prepare();
      fragments.push(adapter.load(input));
      files.push({ file, format: adapter.format });
    } catch (error) {
      problems.push(toProblem(error, file));
    }
  }

  const assembled = assembleGraph(fragments, { keyPolicies: config.policies });
  for (const problem of assembled.problems) {
    problems.push({
      file: problem.source.file,
      line: problem.source.startLine,
      column: problem.source.startColumn,
      message: problem.message,
      level: 'error',
    });
  }
  const graph = assembled.graph;
  if (options.measureImages !== false) await measureImages(graph);

  const rules = selectRules(config, options, problems);
  const findings = runRules(rules, graph, config, options.today ?? new Date(), problems);
  problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  const absent = options.baseline ? applyBaseline(findings, options.baseline) : undefined;
  return { findings, problems, files, rules, config, root, graph, ...(absent ? { absent } : {}) };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function toProblem(error: unknown, file?: string): InputProblem {
  if (error instanceof InputError) {
    return { ...error.place, file: error.place.file ?? file, message: error.message, level: 'error' };
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code) return { file, message: `cannot read (${code})`, level: 'error' };
  return {
    file,
    message: `could not be read: ${error instanceof Error ? error.message : String(error)}`,
    level: 'error',
  };
}

function selectRules(config: ResolvedConfig, options: CheckOptions, problems: InputProblem[]): Rule[] {
  const available = [...builtinRules, ...(options.extraRules ?? [])];
  const known = new Set(available.map((rule) => rule.id));
  // A mistyped --rule would make a CI gate pass with nothing checked: that is a usage error, not a warning.
  for (const id of [...(options.onlyRules ?? []), ...(options.skipRules ?? [])]) {
    if (!known.has(id)) {
      const near = closest(id, [...known]);
      throw new UsageError(
        `unknown rule id "${id}"${near ? ` (did you mean "${near}"?)` : ''}; isolint rules lists them`,
      );
    }
  }
  for (const id of Object.keys(config.rules)) {
    if (!known.has(id)) problems.push({ file: config.file, message: `unknown rule id "${id}"`, level: 'warning' });
  }
  return available.filter(
    (rule) =>
      config.rules[rule.id] !== 'off' &&
      (!options.onlyRules?.length || options.onlyRules.includes(rule.id)) &&
      !options.skipRules?.includes(rule.id),
  );
}

function subjectId(subject: GraphNode | GraphEdge): string {
  if ('id' in subject && subject.id) return subject.id;
  const edge = subject as GraphEdge;
  return `${edge.kind}:${edge.from}->${edge.to}${edge.kind === 'access' ? `:${edge.method}` : ''}`;
}

/** For an edge, the end a reader would look at: the one that is not a principal or an outside endpoint. */
function elementOf(subject: GraphNode | GraphEdge, graph: Graph): string | undefined {
  if (!('from' in subject)) return subject.id;
  const from = graph.node(subject.from);
  const outside = (node: GraphNode | undefined) => !node || node.kind === 'principal' || node.kind === 'endpoint';
  if (!outside(from)) return subject.from;
  return graph.node(subject.to) ? subject.to : undefined;
}

// --- Kata RuntimeClass link (HYPERVISOR-FACTS §5.3; src/engine/link-runtime-classes.ts): a finding on a Kata
// sandbox names the RuntimeClasses that select it, as related locations, whatever rule reports it.
function withSelectingRuntimeClasses(
  related: RelatedLocation[],
  element: string | undefined,
  graph: Graph,
): RelatedLocation[] {
  const node = element === undefined ? undefined : graph.node(element);
  const selectedBy = node?.kind === 'instance' ? node.kataSandbox?.selectedBy : undefined;
  if (!selectedBy?.length) return related;
  const extra = selectedBy
    .filter((entry) => !related.some((location) => location.span === entry.source))
    .map((entry) => ({ span: entry.source, label: `RuntimeClass '${entry.name}'` }));
  return [...related, ...extra];
}

function runRules(
  rules: Rule[],
  graph: Graph,
  config: ResolvedConfig,
  today: Date,
  problems: InputProblem[],
): Finding[] {
  const findings: Finding[] = [];
  const todayText = today.toISOString().slice(0, 10);
  const externalSuppressions = config.suppressions.map((s) => ({
    ...s,
    file: s.file ? globToRegExp(s.file) : undefined,
  }));

  for (const rule of rules) {
    const configured = config.rules[rule.id];
    const context = {
      report: (descriptor: ReportDescriptor<Record<string, string>, string>) => {
        const template = rule.messages[descriptor.messageId] ?? descriptor.messageId;
        const subject = subjectId(descriptor.subject);
        const element = elementOf(descriptor.subject, graph);
        const location: SourceSpan =
          descriptor.at ??
          (descriptor.property ? descriptor.subject.at[descriptor.property] : undefined) ??
          descriptor.subject.source;
        let severity: Severity = descriptor.severity ?? rule.severity;
        if (configured && configured !== 'off' && severity !== 'note') severity = configured as Severity;
        const finding: Finding = {
          ruleId: rule.id,
          messageId: descriptor.messageId,
          message: renderMessage(template, descriptor.data),
          data: descriptor.data,
          severity,
          location,
          related: withSelectingRuntimeClasses(descriptor.related ?? [], element, graph),
          subject,
          element,
          property: descriptor.property,
          fingerprint: '',
        };
        const inline = [...descriptor.subject.suppressions, ...(descriptor.suppressions ?? [])];
        finding.suppression = findSuppression(
          rule.id,
          finding,
          inline,
          externalSuppressions,
          config,
          todayText,
          problems,
        );
        findings.push(finding);
      },
    };
    try {
      rule.check(graph, context);
    } catch (error) {
      problems.push({
        message: `rule ${rule.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        level: 'error',
      });
    }
  }
  findings.sort(compareFindings);
  assignFingerprints(findings);
  return findings;
}

function findSuppression(
  ruleId: string,
  finding: Finding,
  inline: readonly InlineSuppression[],
  external: Array<{ rule: string; subject?: string; file?: RegExp; reason: string; expires?: string }>,
  config: ResolvedConfig,
  today: string,
  problems: InputProblem[],
): AppliedSuppression | undefined {
  const expired = (expires?: string) => expires !== undefined && expires < today;
  if (config.allowInlineSuppressions) {
    for (const s of inline) {
      if (s.rule !== ruleId) continue;
      if (expired(s.expires)) {
        problems.push({
          file: s.source.file,
          line: s.source.startLine,
          column: s.source.startColumn,
          message: `suppression of ${ruleId} expired on ${s.expires}; the finding is reported again`,
          level: 'warning',
        });
        continue;
      }
      return { kind: 'inSource', reason: s.reason, expires: s.expires, source: s.source };
    }
  }
  for (const s of external) {
    if (s.rule !== ruleId) continue;
    if (s.subject !== undefined && s.subject !== finding.subject) continue;
    if (s.file && !s.file.test(finding.location.file)) continue;
    if (expired(s.expires)) continue;
    return { kind: 'external', reason: s.reason, expires: s.expires };
  }
  return undefined;
}

/** Rule, message id, subject, property and file, hashed; repeats get a counter so keys stay unique. */
function assignFingerprints(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const finding of findings) {
    const key = [
      finding.ruleId,
      finding.messageId,
      finding.subject,
      finding.property ?? '',
      finding.location.file,
    ].join('\0');
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
    const count = seen.get(hash) ?? 0;
    seen.set(hash, count + 1);
    finding.fingerprint = count === 0 ? hash : `${hash}:${count}`;
  }
}
