/**
 * The README stays true to the code where drift is easy to miss: its first lines are the two commands,
 * its configuration table lists exactly the variables shared/config.ts reads, and the package.json
 * scripts it tells people to run exist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { CONFIG_VARIABLES } from '../../shared/config.js';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('README.md', () => {
  it('starts with the two commands', () => {
    const firstBlock = readme.slice(0, readme.indexOf('```', readme.indexOf('```') + 3));
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
  });

  it('documents every configuration variable, and only those', () => {
    const documented = [...section('Configuration').matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('names only npm scripts that exist', () => {
    const named = new Set([...readme.matchAll(/npm run ([a-z:]+)/g)].map((match) => match[1]!));
    for (const name of named) expect(scripts, `npm run ${name}`).toContain(name);
  });
});
