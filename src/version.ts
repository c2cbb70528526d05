import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

/** The package version, read once from package.json so it is written in one place. */
export const VERSION: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string })
  .version;

/** Where people read about isolint; SARIF's informationUri and the base of rule help links. */
export const HOMEPAGE = 'https://github.com/isolint/isolint';

export function ruleHelpUri(ruleId: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${ruleId}.md`;
}
