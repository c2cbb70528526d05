import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validations, type App, type AppProps, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { REPO_ROOT } from '../helpers.js';

/** The fixture app's sources, read in place. */
export const APP_DIR = join(REPO_ROOT, 'fixtures', 'cdk', 'app');
export const STACK_FILE = 'fixtures/cdk/app/lib/enclave-stack.ts';
export const PARENT_FILE = 'fixtures/cdk/app/lib/enclave-parent.ts';

/**
 * A scratch directory under test-output/ (ignored by git, inside the repository so finding paths stay
 * relative): synthesis never writes into the fixture.
 */
const scratch: string[] = [];

export function scratchDirectory(name: string): string {
  mkdirSync(join(REPO_ROOT, 'test-output'), { recursive: true });
  const directory = mkdtempSync(join(REPO_ROOT, 'test-output', `cdk-${name}-`));
  scratch.push(directory);
  return directory;
}

/** Removes the scratch directories this test file made. */
export function removeScratch(): void {
  for (const directory of scratch.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/**
 * Synthesizes the fixture app in-process with aws-cdk-lib into `<project>/cdk.out`, and writes a cdk.json
 * beside it whose `app` names the fixture's entry (as `cdk synth` would run it), so isolint finds the sources.
 */
export async function synthesize(
  project: string,
  options: {
    creationStacks: boolean;
    props?: AppProps;
    cdkJson?: boolean;
    /** Registered with `Validations.of(app).addPlugins`. */ plugins?: IPolicyValidationPlugin[];
  },
): Promise<string> {
  const outdir = join(project, 'cdk.out');
  // Loaded by URL: the fixture is the app's own TypeScript (CommonJS-style imports), compiled by vitest, not by our tsc.
  const { buildApp } = (await import(pathToFileURL(join(APP_DIR, 'lib', 'build-app.ts')).href)) as {
    buildApp: (props: AppProps) => App;
  };
  const app = buildApp({
    outdir,
    stackTraces: options.creationStacks,
    builtinCloudFormationValidation: false,
    ...options.props,
    context: {
      'aws:cdk:disable-creation-stack-traces': !options.creationStacks,
      ...(options.props?.context ?? {}),
    },
  });
  if (options.plugins?.length) Validations.of(app).addPlugins(...options.plugins);
  app.synth();
  if (options.cdkJson !== false) {
    writeFileSync(
      join(project, 'cdk.json'),
      JSON.stringify(
        { app: `npx ts-node --prefer-ts-exts ${join(APP_DIR, 'bin', 'app.ts')}`, output: 'cdk.out' },
        null,
        2,
      ),
    );
  }
  return outdir;
}
