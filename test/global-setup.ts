import { NO_SHARED } from './helpers.js';

/** Says once per run, before any test, that the suites reading ../shared are skipped and why. */
export default function announceSkips(): void {
  if (NO_SHARED) {
    process.stderr.write(
      'isolint tests: ../shared not present (nor ISOLINT_SHARED): the corpus suites are skipped; .ci/run requires it\n',
    );
  }
}
