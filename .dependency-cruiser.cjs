// Layers point one way (checked by `npm run lint`): the ground floor (shared/) imports nothing of ours,
// the workflow sandbox imports only the workflow SDK, shared/ and activity *types*, product code never
// reaches into the verification tooling, and no module imports itself back through others — type-only
// imports included.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle (type-only imports count) means two modules are one; give the shared part a home of its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'ground-floor',
      severity: 'error',
      comment: 'shared/ is the ground floor: configuration, the contract, payload types, logging. It imports nothing above it.',
      from: { path: '^shared/' },
      to: { path: '^(api|worker|workflows|activities|connections|quickbooks|db|simulator|local|cli|replay|harness|test|deploy)/' },
    },
    {
      name: 'workflow-sandbox',
      severity: 'error',
      comment: 'Workflow code is replayed deterministically: only @temporalio/workflow, shared/ and `import type` of activities.',
      from: { path: '^workflows/' },
      to: { path: '^(api|worker|connections|quickbooks|db|simulator|local|cli|replay|harness|test)/' },
    },
    {
      name: 'workflow-activities-types-only',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'product-not-on-tooling',
      severity: 'error',
      comment: 'The product ships without harness/ and test/ (see .dockerignore).',
      from: { path: '^(api|worker|workflows|activities|connections|quickbooks|db|shared|simulator|local|cli|replay|deploy)/' },
      to: { path: '^(harness|test)/' },
    },
    {
      name: 'nothing-imports-the-clis',
      severity: 'error',
      comment: 'cli/ holds thin entry points (arguments and printing); what they do lives in the product modules they call.',
      from: { pathNot: '^(cli|test)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'tests-run-a-cli-through-its-run-function',
      severity: 'error',
      comment: 'A test may run a command in its own process through the run function the entry point calls (cli/<name>/run.ts, arguments, environment and output injected); nothing else of cli/.',
      from: { path: '^test/' },
      to: { path: '^cli/', pathNot: '^cli/[^/]+/run\\.ts$' },
    },
    {
      name: 'data-below-logic',
      severity: 'error',
      comment: 'db/ and quickbooks/ are used by activities and the API, never the other way round.',
      from: { path: '^(db|quickbooks)/' },
      to: { path: '^(api|worker|workflows|activities|connections|local|cli|replay|harness)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.data|\\.tools|\\.cache|dist|db/migrations)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
