/* Generated from schemas/ by scripts/generate-types.mjs. Do not edit; run `npm run generate`. */

/**
 * isolint configuration (.isolint.yaml): which rules run, at what severity, and which findings are accepted.
 */
export interface IsolintConfig {
  $schema?: string;
  /**
   * Per rule id: off to disable it, or the severity its findings get.
   */
  rules?: {
    [k: string]: 'off' | 'error' | 'warning' | 'note';
  };
  /**
   * Exit 1 when a finding at or above this level remains. Default error.
   */
  failOn?: 'error' | 'warning' | 'note' | 'none';
  /**
   * false makes inline suppressions in inputs count for nothing (for CI gates). Default true.
   */
  allowInlineSuppressions?: boolean;
  /**
   * Largest input file read, in MiB (larger ones are refused with a one-line error). Default 64; a generated estate of a million nodes is about 140 MiB of JSON.
   */
  maxFileSizeMiB?: number;
  /**
   * Paths or globs (relative to the config file; * and ** allowed) that directory scans skip.
   */
  exclude?: string[];
  /**
   * Standalone KMS key policy files (paths relative to the config file, as given to aws kms put-key-policy --policy file://…) and the key each is put on: a CloudFormation logical id or a Terraform address. A linked file replaces that key's policy; an unlinked one is judged on its own.
   */
  policies?: {
    [k: string]: string;
  };
  /**
   * Accepted findings, recorded here instead of in the inputs.
   */
  suppressions?: {
    rule: string;
    /**
     * The element the finding is about, as reports name it: a manifest id, a CloudFormation logical id, a Terraform address (or the subject field of JSON output); omit for every element.
     */
    subject?: string;
    /**
     * Path or glob of the input file; omit for every file.
     */
    file?: string;
    reason: string;
    /**
     * YYYY-MM-DD; after it, or when it is not a calendar date, the entry suppresses nothing and is a warning.
     */
    expires?: string;
  }[];
}
