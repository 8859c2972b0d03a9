/**
 * Vitest's order, with the integration files known to take longest moved to the front. On a clean
 * clone vitest has no durations cached and runs the largest files first, which puts the short-to-read
 * process-fleet runs (chaos, topology) last: with files running side by side, a long file starting last
 * ends the run alone. Longest first keeps the forks busy to the end. The list only orders; a file
 * missing from it still runs.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Slowest first (seconds on the 2-core CI machine, one file at a time). */
export const SLOW_FILES = [
  'test/topology/topology.test.ts',
  'test/workflows/resilience.test.ts',
  'test/chaos/chaos.test.ts',
  'test/notices/notice-email-worker-killed.test.ts',
  'test/ops/ops-cli.test.ts',
  'test/workflows/failing-cycle-visibility.test.ts',
  'test/start/operators-on-default-stack.test.ts',
  'test/start/start-command.test.ts',
  'test/notices/notice-emails.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = SLOW_FILES.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return index === -1 ? SLOW_FILES.length : index;
    };
    // Projects stay in vitest's order; Array.prototype.sort is stable, so files off the list keep theirs.
    const projects = [...new Set(sorted.map((spec) => spec.project.name))];
    const project = (spec: TestSpecification) => projects.indexOf(spec.project.name);
    return sorted.sort((a, b) => project(a) - project(b) || rank(a) - rank(b));
  }
}
