import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { IsolintConfig } from '../generated/config.js';
import { parseYaml } from '../ingest/located.js';
import { validateAgainstSchema } from '../ingest/schema-validation.js';
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
  validateAgainstSchema(document, 'config.schema.json', 'config');
  const value = document.value as IsolintConfig;
  return {
    ...config,
    rules: { ...(value.rules ?? {}) },
    failOn: value.failOn ?? 'error',
    allowInlineSuppressions: value.allowInlineSuppressions ?? true,
    ...(value.maxFileSizeMiB !== undefined ? { maxFileSizeMiB: value.maxFileSizeMiB } : {}),
    exclude: value.exclude ?? [],
    suppressions: value.suppressions ?? [],
    ...(value.policies !== undefined ? { policies: { ...value.policies } } : {}),
  };
}

/** Config for a run: an explicit file, else the nearest .isolint.yaml upward from cwd, else defaults. */
export function resolveConfig(cwd: string, explicit?: string): ResolvedConfig {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new UsageError(`config file not found: ${explicit}`);
    return loadConfig(path, explicit);
  }
  const found = findConfigFile(cwd);
  return found ? loadConfig(found) : defaultConfig(cwd);
}
