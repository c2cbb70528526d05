import { hash as digestOf } from 'node:crypto';
import { createContext, Script } from 'node:vm';
import { closest } from '../suggest.js';
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { escapeControls, InputError, oneLine, UsageError } from '../errors.js';
import type { Adapter, AdapterInput, TerraformVariableArgument } from '../ingest/adapter.js';
import type { Linker } from '../ingest/linker.js';
import type { Graph } from '../model/graph.js';
import type { GraphEdge, GraphFragment, GraphNode, InlineSuppression } from '../model/nodes.js';
import { isWholeSpan, plainSpan, shareLineIndex, type SourceSpan, type SourceText } from '../model/source.js';
import type { IsolintBaseline } from '../generated/baseline.js';
import { buildGraph } from './assemble.js';
import { createInputFiles, readBounded, scannedDirectory, stripBom } from './input-files.js';
import { newSession } from '../ingest/input-files.js';
import { applyBaseline, type BaselineEntry } from './baseline.js';
import { CONFIG_FILE_NAMES, resolveConfig, type ResolvedConfig } from './config.js';
import { discoverFiles } from './discover.js';
import { isCalendarDate } from '../dates.js';
import { compareFindings, type AppliedSuppression, type Finding } from './finding.js';
import { globToRegExp } from './glob.js';
import { ParsePool, readableInWorker, workerCount, type WorkerAnswer } from './parse-workers.js';
import { readInstanceTypes } from './instance-types.js';
import { instanceTypeSpec, type InstanceTypeSpec } from '../model/ec2-instance-types.js';
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
  /** Extra linkers (embedders), run after the built-in ones (src/ingest/linker.ts). */
  linkers?: Linker[];
  /** Measure the enclave images manifests name, so expected PCRs are checked against them (default true). */
  measureImages?: boolean;
  /** Findings accepted earlier: matching findings are marked unchanged, the rest new (see baseline.ts). */
  baseline?: IsolintBaseline;
  /** The team's own rules (see custom-rules.ts), run after the built-in ones. */
  extraRules?: readonly Rule[];
  /**
   * A file named explicitly that no adapter reads is an input error (exit 2) instead of a skipped file with a
   * warning. Off by default: a pre-commit hook names every changed file, package.json included.
   */
  strictInputs?: boolean;
  /** Per-file size cap (default: the config's maxFileSizeMiB, else MAX_INPUT_BYTES); the CLI's --max-file-size sets it. */
  maxInputBytes?: number;
  /**
   * A scan in which no file was recognised is an input error (a CI gate must not pass having checked
   * nothing); true accepts it (CLI --allow-empty).
   */
  allowEmpty?: boolean;
  /** Terraform `--var-file F` (relative to cwd) and `--var k=v`, in the order given; later ones win. */
  terraformVariables?: readonly TerraformVariableArgument[];
  /** `--instance-types FILE`: `aws ec2 describe-instance-types` JSON that extends or corrects the built-in type table. */
  instanceTypes?: string;
  /** The name `-` (standard input) is checked as: its format is told from it (default `stdin`). */
  stdinFilename?: string;
  /** Standard input's descriptor or text, for `-` (default: descriptor 0). */
  stdin?: number | string;
  /**
   * Time budget of each custom rule (extraRules), in milliseconds (default DEFAULT_RULE_TIMEOUT_MS; the CLI's
   * --rule-timeout): a rule that runs longer is stopped and reported as that rule's error.
   */
  ruleTimeoutMs?: number;
}

export const DEFAULT_RULE_TIMEOUT_MS = 30_000;

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
  /** Files of a directory scan that no adapter recognised (skipped; the CLI lists them with --verbose). */
  unrecognised: string[];
  /** The rules that ran. */
  rules: Rule[];
  config: ResolvedConfig;
  /** Absolute root that finding paths are relative to. */
  root: string;
  graph: Graph;
  /**
   * The text of every file the run read (inputs and the files they refer to) with its line index, by the
   * name findings give it: each is read and indexed once, and reporters quote from here rather than read
   * the file again.
   */
  sources: ReadonlyMap<string, SourceText>;
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

/**
 * The repository holding the scanned paths (their deepest common directory's git root), so SARIF URIs match
 * the repository GitHub checks out however far away the scan was started; else the cwd's.
 */
export function findScanRoot(paths: readonly string[], cwd: string): string | undefined {
  const absolute = paths.map((path) => resolve(cwd, path));
  if (absolute.length === 0) return findGitRoot(cwd);
  let common = absolute[0];
  for (const path of absolute.slice(1)) {
    while (common !== dirname(common) && relative(common, path).startsWith('..')) common = dirname(common);
  }
  return findGitRoot(common) ?? findGitRoot(cwd);
}

/** A path as people and SARIF see it: relative to the root with `/`, or absolute when outside it. */
export function displayPath(absolutePath: string, root: string): string {
  const path = relative(root, absolutePath);
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return absolutePath.split(sep).join('/');
  return path.split(sep).join('/');
}

/**
 * What a check runs besides what its caller adds: the built-in adapters and rules. The engine does not
 * import them (src/check.ts puts them together), so it runs whatever it is given.
 */
export interface Builtins {
  adapters: readonly Adapter[];
  /** The link-and-enrich stage, in order (src/ingest/linker.ts). */
  linkers: readonly Linker[];
  rules: readonly Rule[];
}

/** One check over the given paths with the given built-ins; `check` in src/check.ts supplies isolint's own. */
export async function runCheck(options: CheckOptions, builtins: Builtins): Promise<CheckResult> {
  const sources = new Map<string, SourceText>();
  const releases: Array<() => void> = [];
  /** Keeps a text read for the run: adapters, spans and reporters share its one line index. */
  const keep = (file: string, text: string): string => {
    if (!sources.has(file)) {
      const shared = shareLineIndex(text);
      releases.push(shared.release);
      sources.set(file, { text, lines: shared.index });
    }
    return text;
  };
  try {
    return await checkWith(options, builtins, sources, keep);
  } finally {
    // The result keeps each index it needs; other LineIndex objects stop sharing once the run is over.
    for (const release of releases) release();
  }
}

async function checkWith(
  options: CheckOptions,
  builtins: Builtins,
  sources: Map<string, SourceText>,
  keep: (file: string, text: string) => string,
): Promise<CheckResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = resolve(options.root ?? findScanRoot(options.paths, cwd) ?? cwd);
  const config =
    typeof options.config === 'object' ? options.config : resolveConfig(cwd, options.config, options.paths);
  const adapters = [...builtins.adapters, ...(options.adapters ?? [])];
  const extensions = new Set(adapters.flatMap((adapter) => adapter.extensions));
  const problems: InputProblem[] = (config.unused ?? []).map((file) => ({
    file: displayPath(resolve(file), root),
    message: `config not used: this run applies ${config.file ?? 'the defaults'} (one config per run; check each project separately or pass --config)`,
    level: 'warning' as const,
  }));
  for (const warning of config.warnings ?? [])
    problems.push({ file: config.file, ...warning, message: escapeControls(warning.message), level: 'warning' });

  const readsStdin = options.paths.includes('-');
  const discovered = discoverFiles(
    options.paths.filter((path) => path !== '-'),
    cwd,
    extensions,
    {
      directory: config.directory,
      globs: config.exclude,
    },
  );
  if (readsStdin) {
    discovered.files.unshift({
      absolutePath: resolve(cwd, options.stdinFilename ?? 'stdin'),
      explicit: true,
      stdin: true,
    });
  }
  for (const problem of discovered.problems) {
    problems.push({ file: displayPath(problem.path, root), message: problem.message, level: 'error' });
  }

  const fragments: GraphFragment[] = [];
  const files: CheckedFile[] = [];
  const unrecognised: string[] = [];
  const maxInputBytes =
    options.maxInputBytes ?? (config.maxFileSizeMiB !== undefined ? config.maxFileSizeMiB * 1048576 : MAX_INPUT_BYTES);
  // --- what adapters read besides their input, and what they may keep while this check runs (no longer)
  // The same bounds reach worker threads (parse-workers.ts), which make their own read service from them.
  const fileBounds = {
    maxInputBytes,
    root,
    scanned: [
      ...options.paths.filter((path) => path !== '-').map((path) => scannedDirectory(resolve(cwd, path))),
      ...(options.terraformVariables ?? []).flatMap((v) => ('file' in v ? [resolve(cwd, v.file)] : [])),
    ],
    exclude: { directory: config.directory, globs: config.exclude },
  };
  const inputFiles = createInputFiles({ ...fileBounds, display: (path) => displayPath(path, root) });
  const session = newSession();
  // --- inputs made of several files (a CDK cloud assembly reads its own templates; src/cdk/): skip those files
  const owned = new Set(
    discovered.files.flatMap(({ absolutePath }) =>
      adapters.flatMap((adapter) => adapter.owns?.(absolutePath, inputFiles) ?? []),
    ),
  );
  // Each file is read and claimed in the scan's order, then loaded in that order: on this thread, or on
  // worker threads when the scan has many files a worker can read (parse-workers.ts); same result either way.
  const claimed: Array<{ file: string; adapter: Adapter; input: AdapterInput }> = [];
  for (const { absolutePath, explicit, stdin } of discovered.files) {
    if (owned.has(absolutePath) && !explicit) continue;
    const file = stdin && options.stdinFilename === undefined ? '-' : displayPath(absolutePath, root);
    if (!stdin && CONFIG_FILE_NAMES.includes(basename(absolutePath))) continue;
    try {
      const text = keep(
        file,
        stripBom(
          stdin && typeof options.stdin === 'string'
            ? options.stdin
            : readBounded(stdin ? (options.stdin ?? 0) : absolutePath, maxInputBytes, file),
        ),
      );
      const input: AdapterInput = {
        file,
        absolutePath,
        text,
        files: inputFiles,
        session,
        terraformVariables: options.terraformVariables?.map((v) => ('file' in v ? { file: resolve(cwd, v.file) } : v)),
      };
      const adapter = adapters.find((candidate) => candidate.claims(input));
      if (!adapter) {
        if (explicit && options.strictInputs) {
          throw new InputError('not an input isolint reads (expected a host manifest with apiVersion: isolint/v1)', {
            file,
          });
        }
        if (explicit) {
          problems.push({
            file,
            message: 'skipped: not an input isolint reads (--strict-inputs makes this an error)',
            level: 'warning',
          });
        }
        unrecognised.push(file);
        continue;
      }
      claimed.push({ file, adapter, input });
    } catch (error) {
      problems.push(...toProblems(error, file));
    }
  }

  const forWorkers = claimed.filter(({ adapter }) => readableInWorker(adapter));
  const threads = workerCount(forWorkers.length);
  const pool = threads > 0 ? new ParsePool(threads, fileBounds) : undefined;
  const answers = new Map<AdapterInput, Promise<WorkerAnswer>>();
  if (pool) for (const { adapter, input } of forWorkers) answers.set(input, pool.read(adapter, input));
  try {
    for (const { file, adapter, input } of claimed) {
      await loadClaimed(file, adapter, input, answers.get(input));
    }
  } finally {
    await pool?.close();
  }

  async function loadClaimed(
    file: string,
    adapter: Adapter,
    input: AdapterInput,
    answered: Promise<WorkerAnswer> | undefined,
  ): Promise<void> {
    try {
      const answer = answered ? await answered : undefined;
      if (answer && 'problems' in answer) {
        problems.push(...answer.problems);
        return;
      }
      let fragment: GraphFragment;
      if (answer && 'fragment' in answer) fragment = answer.fragment;
      else {
        // Formats with asynchronous set-up (the Terraform parser's WASM) get it once, only when used.
        if (adapter.prepare) await adapter.prepare();
        fragment = adapter.load(input);
      }
      fragments.push(fragment);
      for (const { source, message } of fragment.skipped ?? []) {
        problems.push({
          file: source.file,
          line: source.startLine,
          column: source.startColumn,
          message,
          level: 'warning',
        });
      }
      if (fragment.problems) problems.push(...fragment.problems);
      files.push({ file, format: adapter.format });
      for (const warning of fragment.warnings ?? []) {
        problems.push({
          file: warning.source.file,
          line: warning.source.startLine,
          column: warning.source.startColumn,
          message: escapeControls(warning.message),
          level: 'warning',
        });
      }
    } catch (error) {
      problems.push(...toProblems(error, file));
    }
  }

  if (files.length === 0 && !options.allowEmpty && !problems.some((p) => p.level === 'error')) {
    problems.push({
      file: options.paths.length === 1 ? displayPath(resolve(cwd, options.paths[0]), root) : undefined,
      message: `nothing isolint reads was found (${discovered.files.length} file${discovered.files.length === 1 ? '' : 's'} looked at, none recognised): nothing was checked (--allow-empty accepts an empty scan)`,
      level: 'error',
    });
  }

  let instanceTypes: Map<string, InstanceTypeSpec> | undefined;
  if (options.instanceTypes !== undefined) {
    const path = resolve(cwd, options.instanceTypes);
    const shown = displayPath(path, root);
    try {
      instanceTypes = readInstanceTypes(shown, stripBom(readBounded(path, maxInputBytes, shown)), (type) =>
        instanceTypeSpec(type),
      );
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ file: shown, line: error.place.line, message: error.message, level: 'error' });
    }
  }
  // --- link and enrich, then the graph is frozen (src/engine/assemble.ts, src/ingest/linker.ts)
  const assembled = await buildGraph(fragments, {
    linkers: [...builtins.linkers, ...(options.linkers ?? [])],
    keyPolicies: config.policies,
    measureImages: options.measureImages !== false,
    instanceTypes,
  });
  for (const problem of assembled.problems) {
    problems.push({
      ...(problem.source
        ? { file: problem.source.file, line: problem.source.startLine, column: problem.source.startColumn }
        : {}),
      message: problem.message,
      level: 'error',
    });
  }
  const graph = assembled.graph;

  const rules = selectRules(builtins.rules, config, options, problems);
  const known = new Set([...builtins.rules, ...(options.extraRules ?? [])].map((rule) => rule.id));
  const findings = await runRules(rules, known, graph, config, options.today ?? new Date(), problems, {
    ruleTimeoutMs: options.ruleTimeoutMs ?? DEFAULT_RULE_TIMEOUT_MS,
  });
  // Every message reaches every format escaped (escaping twice changes nothing): a NUL or an escape sequence
  // from an input, whichever stage quoted it, neither rewrites a terminal nor splits a CI log line.
  for (const problem of problems) problem.message = escapeControls(problem.message);
  problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  const absent = options.baseline ? applyBaseline(findings, options.baseline) : undefined;
  return {
    findings,
    problems,
    files,
    unrecognised,
    rules,
    config,
    root,
    graph,
    sources,
    ...(absent ? { absent } : {}),
  };
}

/** Every problem an error carries (a file's schema errors come together). */
export function toProblems(error: unknown, file?: string): InputProblem[] {
  return error instanceof InputError ? error.all().map((one) => toProblem(one, file)) : [toProblem(error, file)];
}

export function toProblem(error: unknown, file?: string): InputProblem {
  if (error instanceof InputError) {
    return {
      ...error.place,
      file: error.place.file ?? file,
      message: escapeControls(oneLine(error.message)),
      level: 'error',
    };
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code) return { file, message: `cannot read (${code})`, level: 'error' };
  return {
    file,
    message: `could not be read: ${escapeControls(error instanceof Error ? error.message : String(error))}`,
    level: 'error',
  };
}

function selectRules(
  builtinRules: readonly Rule[],
  config: ResolvedConfig,
  options: CheckOptions,
  problems: InputProblem[],
): Rule[] {
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

/** The id a finding names its subject by: a node's id, or for an edge its kind and ends. */
export function subjectId(subject: GraphNode | GraphEdge): string {
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

// --- Kata RuntimeClass link (https://kubernetes.io/docs/concepts/containers/runtime-class/; src/ingest/hypervisor/link-runtime-classes.ts): a finding on a Kata
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

// --- Auto scaling groups (src/ingest/aws/auto-scaling.ts): a finding on a launch template or configuration, or
// on one of its volumes, names the groups that launch it and the version each launches; a finding on a group
// that lands on its template's line names the group.
function withLaunchingGroups(
  related: RelatedLocation[],
  element: string | undefined,
  written: SourceSpan | undefined,
  graph: Graph,
): RelatedLocation[] {
  const node = element === undefined ? undefined : graph.node(element);
  if (!node) return related;
  const machines = node.kind === 'volume' ? graph.attachmentsOf(node.id) : [node];
  const extra: RelatedLocation[] = [];
  for (const machine of machines) {
    if (machine.kind !== 'instance') continue;
    if (machine === node && machine.launches?.length && written && written !== machine.source) {
      const kind = machine.awsKind === 'auto-scaling-group' ? 'auto scaling group' : 'instance';
      extra.push({ span: machine.source, label: `${kind} '${machine.label ?? machine.id}'` });
    }
    for (const group of machine.launchedBy ?? []) {
      const types = group.instanceTypes?.length ? ` as ${group.instanceTypes.join(', ')}` : '';
      extra.push({
        span: group.source,
        label: group.assumption
          ? `${group.kind} '${group.name}' launches version ${group.version}${types}, ${group.assumption}`
          : `${group.kind} '${group.name}' launches it${types} (${group.version})`,
      });
    }
  }
  const added = extra.filter((entry) => !related.some((location) => location.span === entry.span));
  return added.length ? [...related, ...added] : related;
}

// --- Terraform values evaluated elsewhere (src/ingest/terraform/evaluate.ts): the variable default or tfvars
// line a value came from and the module call that made the resource are related locations of its findings.
function withOrigins(related: RelatedLocation[], location: SourceSpan): RelatedLocation[] {
  const origins = location.origins;
  if (!origins?.length) return related;
  const added = origins.filter((origin) => !related.some((r) => r.span === origin.span));
  return [...related, ...added.map((origin) => ({ ...origin, span: wholeSpan(origin.span, origin.span) }))];
}

async function runRules(
  rules: Rule[],
  known: ReadonlySet<string>,
  graph: Graph,
  config: ResolvedConfig,
  today: Date,
  problems: InputProblem[],
  limits: { ruleTimeoutMs: number },
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const todayText = today.toISOString().slice(0, 10);
  const externalSuppressions = config.suppressions.map((s, index) => ({
    ...s,
    file: s.file ? globToRegExp(s.file) : undefined,
    index,
    matched: 0,
    invalidDate: s.expires !== undefined && !isCalendarDate(s.expires),
  }));
  const warned = new Set<string>();
  /** Inline suppressions that met a finding of their rule (applied, or expired): the others are stale. */
  const met = new Set<InlineSuppression>();

  for (const rule of rules) {
    const configured = config.rules[rule.id];
    /** Cleared when the rule has finished, failed or run out of time: a late report from it is dropped. */
    let running = true;
    const context = {
      report: (descriptor: ReportDescriptor<Record<string, string>, string>) => {
        if (!running) return;
        const template = rule.messages[descriptor.messageId] ?? descriptor.messageId;
        const subject = subjectId(descriptor.subject);
        const element = elementOf(descriptor.subject, graph);
        const written = descriptor.at ?? (descriptor.property ? descriptor.subject.at[descriptor.property] : undefined);
        const location = wholeSpan(written, descriptor.subject.source);
        let severity: Severity = descriptor.severity ?? rule.severity;
        if (configured && configured !== 'off' && severity !== 'note') severity = configured;
        const finding: Finding = {
          ruleId: rule.id,
          messageId: descriptor.messageId,
          message: renderMessage(template, descriptor.data),
          data: descriptor.data,
          severity,
          location,
          related: withOrigins(
            withLaunchingGroups(
              withSelectingRuntimeClasses(descriptor.related ?? [], element, graph),
              element,
              written,
              graph,
            ),
            written ?? descriptor.subject.source,
          ).map((location) => {
            // Labels quote ids from the inputs; most need nothing, so most locations are kept as they are.
            const label = escapeControls(location.label);
            return label === location.label ? location : { ...location, label };
          }),
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
          warned,
          met,
          descriptor.subject,
        );
        findings.push(finding);
      },
    };
    try {
      if (rule.loadedFrom === undefined) await rule.check(graph, context);
      else await runWithin(limits.ruleTimeoutMs, () => rule.check(graph, context));
    } catch (error) {
      // What it reported before is kept: each finding stands on its own; the error says the list is partial.
      const what =
        error instanceof RuleTimeout
          ? `did not finish within ${limits.ruleTimeoutMs / 1000} s (--rule-timeout); it was stopped`
          : `failed: ${oneLine(error instanceof Error ? error.message : String(error))}`;
      problems.push({
        ...(rule.loadedFrom !== undefined ? { file: rule.loadedFrom } : {}),
        message: escapeControls(`rule ${rule.id} ${what}`),
        level: 'error',
      });
    } finally {
      running = false;
    }
  }
  warnAboutConfigSuppressions(externalSuppressions, rules, known, config, todayText, problems);
  if (config.allowInlineSuppressions)
    warnAboutInlineSuppressions(graph, met, rules, known, todayText, problems, warned);
  findings.sort(compareFindings);
  assignFingerprints(findings);
  return findings;
}

class RuleTimeout extends Error {}

const timedScript = new Script('run()');

/**
 * A custom rule's check within a time budget. Its synchronous part runs under the VM's watchdog, which stops
 * even a loop that never yields (node:vm `timeout`); a promise it returns gets what is left of the budget,
 * and one that rejects is its error. A promise abandoned at the deadline is still observed, so its later
 * rejection is no unhandled one.
 */
async function runWithin(budgetMs: number, check: () => void | Promise<void>): Promise<void> {
  const started = performance.now();
  const sandbox = createContext({ run: check });
  let returned: unknown;
  try {
    returned = timedScript.runInContext(sandbox, { timeout: Math.max(1, Math.round(budgetMs)) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RuleTimeout();
    throw error;
  }
  if (!isThenable(returned)) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RuleTimeout()), Math.max(0, budgetMs - (performance.now() - started)));
  });
  try {
    await Promise.race([Promise.resolve(returned), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

interface ExternalSuppression {
  rule: string;
  subject?: string;
  file?: RegExp;
  reason: string;
  expires?: string;
  /** Position in the config's list, for its line. */
  index: number;
  /** Findings it suppressed (or would have, had it not expired). */
  matched: number;
  invalidDate: boolean;
}

/**
 * Config suppressions that did nothing are warnings, so a gate never passes or fails on a stale entry
 * unseen: one that matched no finding (a typo in its subject, a renamed resource), one that expired,
 * one whose date is not a date. An entry for a rule that did not run (--rule, --skip-rule) is not stale.
 */
function warnAboutConfigSuppressions(
  entries: ExternalSuppression[],
  rules: Rule[],
  known: ReadonlySet<string>,
  config: ResolvedConfig,
  today: string,
  problems: InputProblem[],
): void {
  const ran = new Set(rules.map((rule) => rule.id));
  for (const entry of entries) {
    const where = config.suppressionLines?.[entry.index];
    const at = { file: config.file, ...(where !== undefined ? { line: where } : {}) };
    const name = `config suppression of ${entry.rule}${entry.subject !== undefined ? ` for ${entry.subject}` : ''}`;
    let message: string | undefined;
    if (!known.has(entry.rule)) message = `${name} ignored: ${unknownRule(entry.rule, known)}`;
    else if (entry.invalidDate)
      message = `${name} ignored: expires ${entry.expires} is not a date (YYYY-MM-DD); the findings it meant are reported`;
    else if (entry.expires !== undefined && entry.expires < today)
      message = `${name} expired on ${entry.expires}${entry.matched ? `; ${entry.matched === 1 ? 'the finding it matched is' : `the ${entry.matched} findings it matched are`} reported again` : ''}`;
    else if (entry.matched === 0 && ran.has(entry.rule))
      message = `${name} matched no finding (subjects are what reports show: a CloudFormation logical id, a Terraform address, a manifest id)`;
    if (message) problems.push({ ...at, message: escapeControls(message), level: 'warning' });
  }
}

function unknownRule(id: string, known: ReadonlySet<string>): string {
  const near = closest(id, [...known]);
  return `unknown rule id "${id}"${near ? ` (did you mean "${near}"?)` : ''}`;
}

/**
 * Inline suppressions (comments, CloudFormation Metadata, a manifest's `suppress:`) that met no finding of
 * their rule are warnings at their lines, like stale config entries: one for a rule that does not exist, one
 * that has expired, one whose element the rule found nothing wrong with (fixed, or placed on the wrong
 * element). A suppression for a rule this run did not run (--rule, --skip-rule, off) says nothing.
 */
function warnAboutInlineSuppressions(
  graph: Graph,
  met: ReadonlySet<InlineSuppression>,
  rules: Rule[],
  known: ReadonlySet<string>,
  today: string,
  problems: InputProblem[],
  warned: Set<string>,
): void {
  const ran = new Set(rules.map((rule) => rule.id));
  const seen = new Set<InlineSuppression>();
  const consider = (suppressions: readonly InlineSuppression[]) => {
    for (const s of suppressions) {
      if (met.has(s) || seen.has(s)) continue;
      seen.add(s);
      let message: string | undefined;
      if (!known.has(s.rule)) message = `suppression ignored: ${unknownRule(s.rule, known)}`;
      else if (!ran.has(s.rule)) continue;
      else if (s.expires !== undefined && !isCalendarDate(s.expires))
        message = `suppression of ${s.rule} ignored: expires ${s.expires} is not a date (YYYY-MM-DD)`;
      else if (s.expires !== undefined && s.expires < today)
        message = `suppression of ${s.rule} expired on ${s.expires}`;
      else message = `suppression of ${s.rule} matched no finding (the rule found nothing on the element it sits on)`;
      const key = `${s.source.file}:${s.source.startLine}:${s.source.startColumn}:${s.rule}`;
      if (warned.has(key)) continue;
      warned.add(key);
      problems.push({
        file: s.source.file,
        line: s.source.startLine,
        column: s.source.startColumn,
        message: escapeControls(message),
        level: 'warning',
      });
    }
  };
  for (const node of graph.allNodes()) if (node.suppressions.length) consider(node.suppressions);
  for (const edge of graph.everyEdge()) if (edge.suppressions.length) consider(edge.suppressions);
}

/**
 * The names a finding's subject goes by: the id in JSON output (`template.yaml#Bastion`,
 * `infra/aws_instance.web`) and the one people see in messages (`Bastion`, `aws_instance.web`, a manifest id).
 */
function subjectNames(subject: string, element: GraphNode | GraphEdge): string[] {
  const names = [subject];
  if ('from' in element) return names;
  const hash = subject.lastIndexOf('#');
  if (hash >= 0) names.push(subject.slice(hash + 1));
  else if (subject.includes('/')) {
    // Terraform ids are `<module directory>/<address>`; the address itself has no slash outside index keys.
    const address =
      /(?:^|\/)((?:module\.[^./]+(?:\[[^\]]*\])?\.)*(?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?)$/.exec(
        subject,
      );
    if (address) names.push(address[1]);
  }
  if (element.label !== undefined && !names.includes(element.label)) names.push(element.label);
  return names;
}

/**
 * A finding's span as plain data with every position set: the one given when it is whole, else the
 * enclosing element's (a location that lost its line or column is a bug, and must not reach a report
 * as `undefined`, which SARIF consumers refuse).
 */
function wholeSpan(span: SourceSpan | undefined, enclosing: SourceSpan): SourceSpan {
  if (span !== undefined) {
    const plain = plainSpan(span);
    if (isWholeSpan(plain)) return plain;
  }
  const outer = plainSpan(enclosing);
  if (isWholeSpan(outer)) return outer;
  const startLine = Number.isInteger(outer.startLine) && outer.startLine >= 1 ? outer.startLine : 1;
  const startColumn = Number.isInteger(outer.startColumn) && outer.startColumn >= 1 ? outer.startColumn : 1;
  return { ...outer, startLine, startColumn, endLine: startLine, endColumn: startColumn + 1 };
}

function findSuppression(
  ruleId: string,
  finding: Finding,
  inline: readonly InlineSuppression[],
  external: ExternalSuppression[],
  config: ResolvedConfig,
  today: string,
  problems: InputProblem[],
  warned: Set<string>,
  met: Set<InlineSuppression>,
  element: GraphNode | GraphEdge,
): AppliedSuppression | undefined {
  const expired = (expires?: string) => expires !== undefined && expires < today;
  // One warning per suppression, however many findings it meant.
  const warnOnce = (s: InlineSuppression, message: string) => {
    const key = `${s.source.file}:${s.source.startLine}:${s.source.startColumn}:${message}`;
    if (warned.has(key)) return;
    warned.add(key);
    problems.push({
      file: s.source.file,
      line: s.source.startLine,
      column: s.source.startColumn,
      message,
      level: 'warning',
    });
  };
  if (config.allowInlineSuppressions) {
    for (const s of inline) {
      if (s.rule !== ruleId) continue;
      met.add(s);
      if (s.expires !== undefined && !isCalendarDate(s.expires)) {
        warnOnce(
          s,
          `suppression of ${ruleId} ignored: expires ${escapeControls(s.expires)} is not a date (YYYY-MM-DD); the finding is reported`,
        );
        continue;
      }
      if (expired(s.expires)) {
        warnOnce(s, `suppression of ${ruleId} expired on ${s.expires}; the finding is reported again`);
        continue;
      }
      return { kind: 'inSource', reason: s.reason, expires: s.expires, source: s.source };
    }
  }
  let names: string[] | undefined;
  for (const s of external) {
    if (s.rule !== ruleId || s.invalidDate) continue;
    if (s.subject !== undefined && !(names ??= subjectNames(finding.subject, element)).includes(s.subject)) continue;
    if (s.file && !s.file.test(finding.location.file)) continue;
    s.matched++;
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
    // One-shot hashing (no Hash object per finding): a million findings spent seconds making them.
    const hash = digestOf('sha256', key, 'hex').slice(0, 32);
    const count = seen.get(hash) ?? 0;
    seen.set(hash, count + 1);
    finding.fingerprint = count === 0 ? hash : `${hash}:${count}`;
  }
}
