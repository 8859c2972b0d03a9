/**
 * `npm run replay` as an operator runs it: a real process, its output and its exit status. A copy of
 * workflows/ with one extra activity call (the kind of change that strands running workflows) must be
 * caught and located; unreadable input and bad arguments have their own exit status.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_EXIT } from '../../replay/report.js';
import { eventIdOf, historyFromJson } from '../../replay/history-json.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { npmRun } from './support.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'histories');
/** The first step of a new run: the extra call goes right before its first activity. */
const FIRST_STEP = '  private async restoreCheckpoint(): Promise<void> {\n';

/** workflows/ copied next to links to everything else, with `edit` applied to connection-workflow.ts. */
function workflowsCopy(edit: (source: string) => string): { dir: string; entry: string } {
  const dir = mkdtempSync(join(tmpdir(), 'replay-workflows-'));
  cpSync(join(PROJECT_ROOT, 'workflows'), join(dir, 'workflows'), { recursive: true });
  for (const name of readdirSync(PROJECT_ROOT)) if (name !== 'workflows' && !name.startsWith('.')) symlinkSync(join(PROJECT_ROOT, name), join(dir, name));
  const file = join(dir, 'workflows', 'connection-workflow.ts');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return { dir, entry: join(dir, 'workflows', 'index.ts') };
}

describe('npm run replay', () => {
  let broken: { dir: string; entry: string };
  beforeAll(() => {
    broken = workflowsCopy((source) => {
      if (!source.includes(FIRST_STEP)) throw new Error('connection-workflow.ts no longer has the restoreCheckpoint step this test edits: pick another place');
      // An extra activity before the first one: every history recorded by the real code diverges there.
      return source.replace(FIRST_STEP, `${FIRST_STEP}    await bookkeeping.recordProgress({ connectionId: this.connectionId });\n`);
    });
  });
  afterAll(() => rmSync(broken.dir, { recursive: true, force: true }));

  it('exits 1 and names the event where a workflow change diverges from a recorded history', async () => {
    const result = await npmRun('replay', [join(FIXTURES, 'backfill.json'), join(FIXTURES, 'continue-as-new-run-2.json'), '--workflows', broken.entry]);
    expect(result.code, result.stdout + result.stderr).toBe(REPLAY_EXIT.diverged);

    // The first activity the recorded workflow scheduled is where the edited code asks for another one.
    const history = historyFromJson(JSON.parse(readFileSync(join(FIXTURES, 'backfill.json'), 'utf8')));
    const firstActivity = history.events!.find((event) => event.activityTaskScheduledEventAttributes)!;
    expect(firstActivity.activityTaskScheduledEventAttributes!.activityType!.name).toBe('loadCheckpoint');
    expect(result.stdout).toContain(`NON-DETERMINISTIC  ${join(FIXTURES, 'backfill.json')}`);
    expect(result.stdout).toContain(`diverges at event ${eventIdOf(firstActivity)} (ActivityTaskScheduled: activity loadCheckpoint`);
    expect(result.stdout).toMatch(/\[TMPRL1100\] Nondeterminism error: Activity type of scheduled event 'loadCheckpoint' does not match activity type of activity command 'recordProgress'/);
    // A run started by continue-as-new carries its checkpoint and never loads it: that history still replays.
    expect(result.stdout).toContain(`✓ deterministic  ${join(FIXTURES, 'continue-as-new-run-2.json')}`);
    expect(result.stdout).toContain('1 deterministic, 1 diverged');
  });

  it('exits 2 for input that is not a history, and for bad arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-input-'));
    try {
      writeFileSync(join(dir, 'not-json.json'), '{ this is not json');
      writeFileSync(join(dir, 'not-a-history.json'), JSON.stringify({ workflowId: 'x' }));
      const unreadable = await npmRun('replay', [join(dir, 'not-json.json'), join(dir, 'not-a-history.json'), join(dir, 'missing.json')]);
      expect(unreadable.code).toBe(REPLAY_EXIT.unreadable);
      expect(unreadable.stderr).toContain(`${join(dir, 'not-json.json')}: not JSON`);
      expect(unreadable.stderr).toContain(`${join(dir, 'not-a-history.json')}: not a workflow history`);
      expect(unreadable.stderr).toContain(`${join(dir, 'missing.json')}: no such file`);

      const usage = await npmRun('replay', ['--run-id', 'r1']);
      expect(usage.code).toBe(REPLAY_EXIT.unreadable);
      expect(usage.stderr).toContain('--run-id goes with exactly one --workflow-id');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
