/**
 * Every committed history fixture replays against the current workflow code, through the same code
 * path as `npm run replay` (read the files, replay them with one replay worker). A workflow change that
 * running connections could not replay fails here, long before a deploy strands them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { formatResult } from '../../replay/report.js';
import { eventTypeName, summarizeHistory, type History } from '../../replay/history-json.js';
import { describeEvent, replayHistories, type HistorySource } from '../../replay/replay.js';
import { readHistoryFiles } from '../../replay/sources.js';
import { PROJECT_ROOT } from '../../shared/paths.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'histories');

describe('the committed workflow histories', () => {
  let sources: HistorySource[];
  beforeAll(async () => {
    const read = await readHistoryFiles([FIXTURES]);
    expect(read.unreadable).toEqual([]);
    sources = read.sources;
  });

  const byFile = (file: string): History => {
    const source = sources.find((candidate) => candidate.label.endsWith(`/${file}`));
    if (!source) throw new Error(`fixture ${file} is missing: record it with npx tsx harness/record-history-fixtures.ts`);
    return source.history;
  };
  const signals = (history: History) => (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes).map((event) => event.workflowExecutionSignaledEventAttributes!.signalName);
  const activities = (history: History) => (history.events ?? []).map(describeEvent).filter((detail): detail is string => detail?.startsWith('activity ') ?? false);

  it('all replay deterministically against workflows/', async () => {
    const results = await replayHistories(sources, { workflowBundle: { codePath: inject('workflowBundlePath') } });
    const diverged = results.filter((result) => result.verdict !== 'deterministic');
    expect(diverged.map(formatResult).join('\n\n'), 'a workflow change that running workflows cannot replay: version it with patched() (docs/replay.md)').toBe('');
    expect(results.length).toBeGreaterThanOrEqual(8);
  });

  it('include, for every patch in workflows/, a history that took the patched path', async () => {
    const workflowSources = await Promise.all((await readdir(join(PROJECT_ROOT, 'workflows'))).filter((file) => file.endsWith('.ts')).map((file) => readFile(join(PROJECT_ROOT, 'workflows', file), 'utf8')));
    const patches = [...new Set(workflowSources.flatMap((text) => [...text.matchAll(/patched\('([^']+)'\)/g)].map((match) => match[1]!)))].sort();
    expect(patches.length).toBeGreaterThanOrEqual(8);
    const recorded = new Set(sources.flatMap((source) => (source.history.events ?? []).map(describeEvent).filter((detail) => detail?.startsWith('patch marker ')).map((detail) => detail!.slice('patch marker '.length))));
    expect(patches.filter((patch) => !recorded.has(patch)), 'record a fixture for it: npx tsx harness/record-history-fixtures.ts').toEqual([]);
  });

  it('cover backfill, park and resume, continue-as-new (the run and the next), resync and a failed sync', () => {
    const backfill = byFile('backfill.json');
    expect(summarizeHistory(backfill).lastEventType).toBe('WorkflowExecutionCompleted');
    expect(activities(backfill).some((detail) => detail.includes('pullEntityPage'))).toBe(true);
    expect((backfill.events ?? []).some((event) => describeEvent(event) === 'local activity pullChanges')).toBe(true);

    const revocation = byFile('revocation-park-resume.json');
    expect(signals(revocation)).toEqual(['tokensIssued', 'tokensIssued']);
    expect(activities(revocation).some((detail) => detail.includes('markNeedsReauthorization'))).toBe(true);
    // Before 'park-from-the-loop' the park came where the revocation was noticed; after it, once the pass closed its run.
    const parkedAfterClosing = (history: History) => {
      const steps = activities(history);
      const park = steps.findIndex((detail) => detail.includes('markNeedsReauthorization'));
      return steps.slice(0, park).some((detail) => detail.includes('endSyncRun'));
    };
    expect(parkedAfterClosing(revocation)).toBe(false);
    expect(parkedAfterClosing(byFile('revocation-park-resume-v3.json'))).toBe(true);
    const forbidden = byFile('forbidden-park-resume.json');
    expect(activities(forbidden).some((detail) => detail.includes('markNeedsReauthorization'))).toBe(true);
    expect((forbidden.events ?? []).map(describeEvent)).toContain('patch marker park-on-forbidden');

    const firstRun = byFile('continue-as-new-run-1.json');
    const nextRun = byFile('continue-as-new-run-2.json');
    expect(summarizeHistory(firstRun).lastEventType).toBe('WorkflowExecutionContinuedAsNew');
    expect(nextRun.events![0]!.workflowExecutionStartedEventAttributes!.continuedExecutionRunId).toBe(summarizeHistory(firstRun).runId);

    expect(signals(byFile('resync.json'))).toContain('resync');
    expect(activities(byFile('resync.json')).some((detail) => detail.includes('reconcileDeletions'))).toBe(true);

    const failed = byFile('failed-sync.json');
    expect((failed.events ?? []).some((event) => event.markerRecordedEventAttributes?.failure)).toBe(true);
    expect(activities(failed).some((detail) => detail.includes('endSyncRun'))).toBe(true);
    expect(new Set((failed.events ?? []).map(eventTypeName))).toContain('TimerStarted');
  });
});
