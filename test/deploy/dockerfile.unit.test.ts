/**
 * The image the production-like stack runs (Dockerfile, .dockerignore), checked without a Docker engine:
 * its stages and base image, what it installs and as whom, what the build context keeps out, and that
 * everything the processes import at run time is in the image.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { asList, loadCompose, requiredEnv, ROOT, type Service } from './compose-file.js';

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** Services built from our Dockerfile, and the package.json script each runs. */
const IMAGE_SERVICES: Record<string, string> = { api: 'api', worker: 'worker', migrate: 'db:migrate', simulator: 'simulator' };
const services = loadCompose(requiredEnv()).services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args = Object.fromEntries(instructions.flatMap((line) => {
    const match = /^ARG\s+([A-Za-z_]+)=(\S+)/.exec(line);
    return match ? [[match[1]!, match[2]!]] : [];
  }));
  const stages: { base: string; name?: string; lines: string[] }[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      const base = from[1]!.replace(/\$\{?([A-Za-z_]+)\}?/g, (_match, name: string) => args[name] ?? '');
      const earlier = stages.find((stage) => stage.name === base);
      stages.push({ base: earlier ? earlier.base : base, ...(from[2] ? { name: from[2] } : {}), lines: [] });
    } else {
      stages[stages.length - 1]?.lines.push(line);
    }
  }

  it('builds on Node 20 on Debian slim (glibc: the Temporal core-bridge has no musl build) in several stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.base).toMatch(/^node:20(\.\d+){0,2}-(bookworm|bullseye|trixie)-slim$/);
  });

  it('installs production dependencies from the lockfile and runs as a non-root user', () => {
    const run = stages.flatMap((stage) => stage.lines).filter((line) => line.startsWith('RUN')).join('\n');
    expect(run).toMatch(/npm ci\b[^\n]*--omit=dev/);
    const users = stages.at(-1)!.lines.filter((line) => line.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|$)/);
    expect(stages.at(-1)!.lines.some((line) => /^COPY --from=\S+ \/app\/node_modules/.test(line))).toBe(true);
  });

  it('builds the workflow bundle in the image and points the workers at it, so a worker polls within seconds of starting', () => {
    const runtime = stages.at(-1)!.lines;
    const build = runtime.findIndex((line) => /^RUN\s.*cli\/build-workflows\.ts\s+(\S+)/.test(line));
    expect(build, 'a RUN of cli/build-workflows.ts in the runtime stage').toBeGreaterThanOrEqual(0);
    const bundlePath = /cli\/build-workflows\.ts\s+(\S+)/.exec(runtime[build]!)![1]!;
    // After the sources are copied (the bundle is built from them), before dropping root (the sources are root's).
    expect(runtime.findIndex((line) => /^COPY \. /.test(line))).toBeLessThan(build);
    expect(runtime.findIndex((line) => line.startsWith('USER '))).toBeGreaterThan(build);
    expect(runtime.some((line) => new RegExp(`^ENV\\s+WORKFLOW_BUNDLE_PATH=${bundlePath.replace(/[.]/g, '\\.')}$`).test(line)), `ENV WORKFLOW_BUNDLE_PATH=${bundlePath}`).toBe(true);
    expect(packageJson.scripts['build:workflows']).toBe('tsx cli/build-workflows.ts');
  });

  const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const ignored = (path: string): boolean => {
    let result = false;
    for (const rule of ignore) {
      const negate = rule.startsWith('!');
      const pattern = (negate ? rule.slice(1) : rule).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('/')
        .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/');
      if (new RegExp(`^${source}(/.*)?$`).test(path)) result = !negate;
    }
    return result;
  };

  it('keeps dependencies, local state, secrets and git out of the build context, and what runs in', () => {
    for (const path of ['node_modules', '.tools', '.data/pglite', '.cache', '.git', '.env', 'deploy/.env', 'test-artifacts']) expect(ignored(path), path).toBe(true);
    const needed = ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'shared/config.ts', 'db/migrations/0000_initial.sql', 'cli/db-migrate.ts', 'workflows/index.ts'];
    for (const name of Object.values(IMAGE_SERVICES)) needed.push(packageJson.scripts[name]!.split(/\s+/)[1]!);
    needed.push(asList(service('worker').healthcheck?.test).find((part) => part.endsWith('.ts'))!);
    for (const path of needed) expect(ignored(path), path).toBe(false);
  });
});

describe('what the image runs', () => {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const entries = [
    ...Object.values(IMAGE_SERVICES).map((script) => packageJson.scripts[script]!.split(/\s+/)[1]!),
    asList(service('worker').healthcheck?.test).find((part) => part.endsWith('.ts'))!,
    'workflows/index.ts', // bundled in the image (cli/build-workflows.ts), or by the worker at start-up
    'cli/build-workflows.ts',
  ];

  function resolveLocal(from: string, specifier: string): string | undefined {
    const base = join(dirname(from), specifier);
    const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
    return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  }

  /** Packages reached from `entry` through runtime (not type-only) imports. */
  function runtimePackages(entry: string): Map<string, string> {
    const packages = new Map<string, string>();
    const seen = new Set<string>();
    const queue = [join(ROOT, entry)];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const specifiers: string[] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
        if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specifiers.push(node.arguments[0].text);
        ts.forEachChild(node, visit);
      };
      visit(source);
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) {
          const target = resolveLocal(file, specifier);
          if (!target) throw new Error(`${relative(ROOT, file)} imports ${specifier}, which does not resolve`);
          if (/\.(ts|tsx|js|mjs)$/.test(target)) queue.push(target);
        } else if (!builtins.has(specifier)) {
          const parts = specifier.split('/');
          const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
          packages.set(name, relative(ROOT, file));
        }
      }
    }
    return packages;
  }

  for (const entry of entries) {
    it.skipIf(!existsSync(join(ROOT, entry)))(`${entry} imports only production dependencies (the image has no devDependencies)`, () => {
      for (const [name, importer] of runtimePackages(entry)) {
        expect(packageJson.dependencies, `${importer} imports ${name}`).toHaveProperty(name);
      }
    });
  }
});
