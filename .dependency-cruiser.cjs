/**
 * Import boundaries (docs/architecture.md, "What each folder may import"). Data flows one way:
 * model ← ingest/eif ← engine ← report; rules see only the model and the rule API; the built-in
 * adapters and rules are put together above the engine (src/check.ts, src/index.ts, src/cli).
 * Run by `npm run lint:boundaries` (part of `npm test`).
 */

module.exports = {
  forbidden: [
    {
      name: 'model-imports-nothing-above',
      comment: 'The graph model is the base every layer reads; it imports only itself and generated types.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^(src|rules)/', pathNot: ['^src/model/', '^src/generated/'] },
    },
    {
      name: 'ingest-stays-below',
      comment:
        'Adapters produce graph fragments: they never reach the engine, rules, reporters, the CDK layer or the EIF measurer.',
      severity: 'error',
      from: { path: '^src/ingest/' },
      to: { path: '^(rules/|src/(engine|report|picture|cdk|eif|cli|docs)/|src/(index|check)\\.ts$)' },
    },
    {
      name: 'eif-stays-below',
      comment: 'The EIF measurer is a library: it may use ingest helpers (JSON, schemas) but nothing above.',
      severity: 'error',
      from: { path: '^src/eif/' },
      to: { path: '^(rules/|src/(engine|report|picture|cdk|cli|docs)/|src/(index|check)\\.ts$)' },
    },
    {
      name: 'rules-see-only-the-model-and-rule-api',
      comment: 'A rule reads the graph and reports through the rule API; nothing else.',
      severity: 'error',
      from: { path: '^rules/' },
      to: { path: '^src/', pathNot: ['^src/model/', '^src/engine/rule\\.ts$'] },
    },
    {
      name: 'engine-does-not-know-the-rules',
      comment: 'The built-in rules and adapters are passed in from src/check.ts; the engine runs whatever it is given.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^(rules/|src/(cdk|report|picture|cli|docs)/|src/(index|check)\\.ts$)' },
    },
    {
      name: 'reporters-do-not-read-inputs',
      comment: 'Reporters render a CheckResult; they never parse inputs.',
      severity: 'error',
      from: { path: '^src/(report|picture|docs)/' },
      to: { path: '^src/(ingest|cdk|cli)/' },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'A relative import that resolves to nothing would slip past every rule above.',
      severity: 'error',
      from: { path: '^(src|rules)/' },
      to: { couldNotResolve: true, path: '^[.]' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|test)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
