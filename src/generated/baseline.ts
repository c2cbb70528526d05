/* Generated from schemas/ by scripts/generate-types.mjs. Do not edit; run `npm run generate`. */

/**
 * Findings accepted when isolint was adopted (isolint check --write-baseline); later runs with --baseline report only new ones.
 */
export interface IsolintBaseline {
  version: 1;
  tool: 'isolint';
  findings: {
    /**
     * The finding's stable key (rule, message, subject, property, file); line numbers are not part of it.
     */
    fingerprint: string;
    ruleId: string;
    severity?: 'error' | 'warning' | 'note';
    subject?: string;
    file: string;
    line: number;
    message: string;
  }[];
}
