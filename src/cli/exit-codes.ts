/** Exit codes of the CLI (README, "Exit codes"): nothing at the fail-on level, findings, or bad usage/input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
