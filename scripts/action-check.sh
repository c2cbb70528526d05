#!/usr/bin/env bash
# The check step of action.yml, kept in a file so it can be run and tested outside GitHub Actions.
# Reads INPUT_* variables (see action.yml), writes the report, and appends counts, the exit code and the
# report path to $GITHUB_OUTPUT. It never fails itself on findings: the action's last step does, after the
# SARIF upload, so alerts reach code scanning even when the gate fails.
set -uo pipefail
: "${ISOLINT:?path of bin/isolint.js}"
format="${INPUT_FORMAT:-sarif}"
declare -A extension=([sarif]=sarif [json]=json [markdown]=md [junit]=xml [gitlab]=json [text]=txt)
output="${INPUT_OUTPUT:-isolint.${extension[$format]:-txt}}"
summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT

args=(check --format "$format" --output "$output" --summary-file "$summary" --fail-on "${INPUT_FAIL_ON:-error}")
[ -n "${INPUT_MIN_LEVEL:-}" ] && args+=(--min-level "$INPUT_MIN_LEVEL")
[ -n "${INPUT_CATEGORY:-}" ] && args+=(--category "$INPUT_CATEGORY")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
# Paths are separated by white space (spaces or new lines), as other scanners' actions take them.
read -r -d '' -a paths <<<"${INPUT_PATHS:-.}"
args+=(-- "${paths[@]}")

node "$ISOLINT" "${args[@]}"
code=$?

out="${GITHUB_OUTPUT:-/dev/stdout}"
{
  echo "exit-code=$code"
  [ -f "$output" ] && echo "report=$output"
  if [ -s "$summary" ]; then
    node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const k of ["error", "warning", "note", "suppressed"]) console.log(`${k === "error" ? "errors" : k === "warning" ? "warnings" : k === "note" ? "notes" : k}=${s[k]}`);' "$summary"
  fi
} >>"$out"
exit 0
