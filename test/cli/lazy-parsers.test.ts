import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers.js';
import { temporaryDirectories } from '../temporary.js';

// The launcher runs the built library: npm ci builds dist/ through `prepare`.
const BUILT = existsSync(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'));
const temporaryDirectory = temporaryDirectories('lazy-parsers');
const PARSERS = ['yaml', 'ajv', '@xmldom/xmldom', 'web-tree-sitter'];

/** The parser packages a CLI run loaded (they are CommonJS, loaded through require when first used). */
function parsersLoaded(args: string[], cwd: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    const { runCli } = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'))});
    const sink = { write: () => true, isTTY: false };
    await runCli(['node', 'isolint', ...${JSON.stringify(args)}], { stdout: sink, stderr: sink, cwd: ${JSON.stringify(cwd)}, env: {}, exitCode: 0 });
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify(${JSON.stringify(PARSERS)}.filter((name) => loaded.some((path) => path.includes('/node_modules/' + name + '/')))));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  ) as string[];
}

describe('parsers are loaded only for the formats in the scan', () => {
  it.skipIf(!BUILT)(
    '--version, rules and explain load none; a template loads only yaml, a plan JSON none',
    () => {
      const directory = temporaryDirectory();
      writeFileSync(
        join(directory, 'template.yaml'),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Data:\n    Type: AWS::EC2::Volume\n    Properties: { Size: 8, Encrypted: false }\n",
      );
      writeFileSync(
        join(directory, 'plan.json'),
        JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources: [] } } }),
      );
      expect(parsersLoaded(['--version'], directory)).toEqual([]);
      expect(parsersLoaded(['rules'], directory)).toEqual([]);
      expect(parsersLoaded(['explain', 'encrypted-block-storage'], directory)).toEqual([]);
      expect(parsersLoaded(['check', 'template.yaml'], directory)).toEqual(['yaml']);
      expect(parsersLoaded(['check', 'plan.json'], directory)).toEqual([]);
    },
    60_000,
  );
});
