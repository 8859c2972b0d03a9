/**
 * Records the workflow history fixtures in test/fixtures/histories (see docs/replay.md):
 *
 *   npx tsx harness/record-history-fixtures.ts [--only backfill,resync] [--out DIR]
 *
 * Each scenario drives a real connection — Temporal dev server, the simulator, the production worker
 * wiring, PGlite (or DATABASE_URL) — and writes its history as `temporal workflow show --output json`
 * would, then the folder's README lists what each file holds. Re-record when the workflow changes on
 * purpose in a way old histories cannot replay (and old runs are gone), or to cover a new path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { FIXTURE_SCENARIOS, type RecordedFixture } from './fixtures/scenarios.js';
import { historyToJson, summarizeHistory } from '../replay/history-json.js';
import { startRecordingStack } from './fixtures/recording-stack.js';
import { bundleWorkflows } from '../replay/replay.js';
import { DEFAULT_WORKFLOWS_PATH } from '../replay/report.js';
import { PROJECT_ROOT } from '../shared/paths.js';

// Failures are part of some scenarios (HTTP 500s, a revoked grant): only errors are worth printing.
Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });

const { values } = parseArgs({ options: { only: { type: 'string' }, out: { type: 'string' } } });
const only = values.only?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !FIXTURE_SCENARIOS.some((scenario) => scenario.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${FIXTURE_SCENARIOS.map((scenario) => scenario.name).join(', ')}`);
  process.exit(2);
}
const outDir = resolve(values.out ?? join(PROJECT_ROOT, 'test', 'fixtures', 'histories'));
const log = (line: string) => console.error(`[record] ${line}`);

const started = Date.now();
log('bundling workflows/index.ts');
const stack = await startRecordingStack({ workflowBundle: await bundleWorkflows(DEFAULT_WORKFLOWS_PATH), log });
let recorded: RecordedFixture[];
try {
  const scenarios = FIXTURE_SCENARIOS.filter((scenario) => !only || only.includes(scenario.name));
  // Independent companies: the scenarios run side by side on one worker.
  recorded = (
    await Promise.all(
      scenarios.map(async (scenario) => {
        log(`${scenario.name}: recording`);
        const fixtures = await scenario.record(stack);
        log(`${scenario.name}: done`);
        return fixtures;
      }),
    )
  ).flat();
} finally {
  await stack.close();
}

mkdirSync(outDir, { recursive: true });
for (const fixture of recorded) {
  writeFileSync(join(outDir, fixture.file), historyToJson(fixture.history));
  const summary = summarizeHistory(fixture.history);
  log(`wrote ${relative(PROJECT_ROOT, join(outDir, fixture.file))}: ${summary.events} events, last ${summary.lastEventType}`);
}
if (!only) {
  const rows = recorded
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((fixture) => {
      const summary = summarizeHistory(fixture.history);
      return `| \`${fixture.file}\` | ${summary.events} | ${summary.lastEventType} | ${fixture.scenario} |`;
    });
  writeFileSync(
    join(outDir, 'README.md'),
    [
      '# Workflow history fixtures',
      '',
      'Real histories of `quickBooksConnectionWorkflow`, recorded by `npx tsx harness/record-history-fixtures.ts`',
      '(see docs/replay.md). `test/replay` replays every `*.json` here against the current workflow code on each',
      '`npm test`: a change that running workflows could not replay fails CI. Regenerated with the files; do not edit.',
      '',
      '| file | events | last event | scenario |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}
log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
// The Temporal runtime's log forwarding keeps the event loop alive.
process.exit(0);
