/**
 * `--profile`: V8 CPU profiles of the worker processes (written when they exit; open them in Chrome
 * DevTools), and a summary of each in the benchmark's notes: where the busy time went, by package and
 * by function (self time, idle excluded).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../shared/paths.js';
import type { BenchContext } from './figures.js';

export const RESULTS_DIR = join(PROJECT_ROOT, 'bench-results');
const written: string[] = [];

export function profileFlags(context: BenchContext, name: string): string[] {
  if (!context.options.profile) return [];
  const dir = join(RESULTS_DIR, 'profiles');
  mkdirSync(dir, { recursive: true });
  const file = `${name}-${Date.now()}.cpuprofile`;
  written.push(join(dir, file));
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', file];
}

/** Summaries of the profiles written since the last call (the benchmark's workers have exited by then). */
export function takeProfileSummaries(): string[] {
  const files = written.splice(0);
  return files.map((file) => (existsSync(file) ? summarizeProfile(file) : `profile ${relative(PROJECT_ROOT, file)} was not written (the worker did not exit cleanly)`));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export function summarizeProfile(file: string, top = 12): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    busy += micros;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ?? (frame.url.startsWith('file://') ? relative(PROJECT_ROOT, frame.url.slice(7)) : frame.url || frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const fn = `${frame.functionName || '(anonymous)'} (${pkg}:${frame.lineNumber + 1})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  }
  const share = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `${name} ${((micros / busy) * 100).toFixed(1)}%`)
      .join(', ');
  return `profile ${relative(PROJECT_ROOT, file)}: ${(busy / 1e6).toFixed(1)} s busy. By package: ${share(byPackage)}. By function: ${share(byFunction)}.`;
}
