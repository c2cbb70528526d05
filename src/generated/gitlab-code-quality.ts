/* Generated from schemas/ by scripts/generate-types.mjs. Do not edit; run `npm run generate`. */

/**
 * What GitLab reads from an artifacts:reports:codequality file (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format): an array of issues with the fields GitLab requires. isolint writes it with --format gitlab; its tests validate that output against this schema.
 */
export type GitLabCodeQualityReport = {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  categories?: string[];
  location: {
    [k: string]: unknown;
  } & {
    path: string;
    lines?: {
      begin: number;
      end?: number;
    };
    positions?: {
      begin: {
        line: number;
        column?: number;
      };
    };
  };
}[];
