import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { IsolintConfig } from '../generated/config.js';
import { parseYaml } from '../ingest/located.js';
import { validateAgainstSchema } from '../ingest/schema-validation.js';
import { malformedSuppressionMessage, suppressionEntryProblem } from '../ingest/suppression-entry.js';
import type { Severity } from './rule.js';

export const CONFIG_FILE_NAMES = ['.isolint.yaml', '.isolint.yml'];

export type FailOn = Severity | 'none';

export interface ResolvedConfig {
  /** The file the settings came from, if any. */
  file?: string;
  /** Directory that relative paths in the config are relative to. */
  directory: string;
  rules: Record<string, Severity | 'off'>;
  failOn: FailOn;
  allowInlineSuppressions: boolean;
  /** Per-file size cap in MiB, when the config raises or lowers the default (MAX_INPUT_BYTES). */
  maxFileSizeMiB?: number;
  exclude: string[];
  suppressions: NonNullable<IsolintConfig['suppressions']>;
  /** Configs nearer to some of the scanned paths that this run did not use (the run warns about each). */
  unused?: string[];
  /** The line of each entry of `suppressions` in the config file, for warnings about it. */
  suppressionLines?: number[];
  /** Entries of the file that were ignored (a malformed suppression): warnings of the run, at their lines. */
  warnings?: Array<{ line: number; column: number; message: string }>;
  /** Standalone key policy files (relative to the config file) → the key they are put on. */
  policies?: Record<string, string>;
}

export function defaultConfig(directory: string): ResolvedConfig {
  return { directory, rules: {}, failOn: 'error', allowInlineSuppressions: true, exclude: [], suppressions: [] };
}

/** The nearest .isolint.yaml from a directory upward, if any. */
export function findConfigFile(from: string): string | undefined {
  let directory = resolve(from);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(directory, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

export function loadConfig(file: string, displayName = file): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read config: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: displayName,
    });
  }
  const [document] = parseYaml(displayName, text);
  const config = defaultConfig(dirname(resolve(file)));
  config.file = displayName;
  if (!document || document.value === null || document.value === undefined) return config;
  // A malformed suppression entry is a warning and suppresses nothing; the rest of the config still holds.
  const warnings: NonNullable<ResolvedConfig['warnings']> = [];
  const record = document.value as Record<string, unknown>;
  let suppressions: NonNullable<IsolintConfig['suppressions']> | undefined;
  if (typeof record === 'object' && !Array.isArray(record) && Object.hasOwn(record, 'suppressions')) {
    const list = record.suppressions;
    delete record.suppressions;
    const at = (span: { startLine: number; startColumn: number }) => ({
      line: span.startLine,
      column: span.startColumn,
    });
    if (!Array.isArray(list)) {
      warnings.push({
        ...at(document.spanOfKey(record, 'suppressions')),
        message: malformedSuppressionMessage(
          undefined,
          'suppressions is a list of {rule, reason, subject, file, expires}',
        ),
      });
    } else {
      suppressions = [];
      list.forEach((entry: unknown, index) => {
        const problem = suppressionEntryProblem(entry, ['subject', 'file']);
        if (problem === undefined) suppressions!.push(entry as NonNullable<IsolintConfig['suppressions']>[number]);
        else
          warnings.push({
            ...at(document.spanOfKey(list, index)),
            message: malformedSuppressionMessage(entry, problem),
          });
      });
    }
  }
  validateAgainstSchema(document, 'config.schema.json', 'config');
  const value = { ...(document.value as IsolintConfig), ...(suppressions ? { suppressions } : {}) };
  return {
    ...config,
    ...(warnings.length ? { warnings } : {}),
    rules: { ...(value.rules ?? {}) },
    failOn: value.failOn ?? 'error',
    allowInlineSuppressions: value.allowInlineSuppressions ?? true,
    ...(value.maxFileSizeMiB !== undefined ? { maxFileSizeMiB: value.maxFileSizeMiB } : {}),
    exclude: value.exclude ?? [],
    suppressions: value.suppressions ?? [],
    ...(value.suppressions?.length
      ? { suppressionLines: value.suppressions.map((entry) => document.spanOf(entry).startLine) }
      : {}),
    ...(value.policies !== undefined ? { policies: { ...value.policies } } : {}),
  };
}

/** The directory a scanned path starts its config search from: itself for a directory, else its parent. */
function searchStart(path: string): string {
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

/**
 * Config for a run: an explicit file; else the nearest .isolint.yaml upward from the scanned paths (so
 * `isolint check ../proj` reads proj's settings, as ESLint and Checkov do), else upward from cwd; else defaults.
 * Paths under different configs get the first path's; the others are listed in `unused` for a warning,
 * since one run applies one config.
 */
export function resolveConfig(cwd: string, explicit?: string, paths: readonly string[] = []): ResolvedConfig {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new UsageError(`config file not found: ${explicit}`);
    return loadConfig(path, explicit);
  }
  const nearest = [
    ...new Set(
      paths.map((path) => findConfigFile(searchStart(resolve(cwd, path)))).filter((f): f is string => f !== undefined),
    ),
  ];
  const found = nearest[0] ?? findConfigFile(cwd);
  if (!found) return defaultConfig(cwd);
  const config = loadConfig(found);
  return nearest.length > 1 ? { ...config, unused: nearest.slice(1) } : config;
}
