/**
 * The production-like stack (docker-compose.yml, .env.example; the image is dockerfile.unit.test.ts), checked
 * without a Docker engine: the compose file is parsed and interpolated as compose would, and its
 * wiring is held against what the code really reads — shared/config.ts for the environment,
 * shared/search-attributes.ts for Temporal, package.json for commands.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type ProcessRole } from '../../shared/config.js';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../shared/search-attributes.js';
import {
  asList,
  composeVariables,
  containerPorts,
  dependsOn,
  dummyValue,
  environmentOf,
  InterpolationError,
  loadCompose,
  readDotenv,
  readRawCompose,
  requiredEnv,
  ROOT,
  type Env,
  type Service,
} from './compose-file.js';

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const APP_SERVICES = ['api', 'worker'] as const;
/** Services built from our Dockerfile, and the package.json script each runs. */
const IMAGE_SERVICES: Record<string, string> = { api: 'api', worker: 'worker', migrate: 'db:migrate', simulator: 'simulator' };
const ONE_SHOTS = ['temporal-schema', 'temporal-namespace', 'migrate'];
const SECRETS = ['APP_DB_PASSWORD', 'TEMPORAL_DB_PASSWORD', 'TOKEN_ENCRYPTION_KEYS', 'ADMIN_API_KEY', 'INTUIT_CLIENT_ID', 'INTUIT_CLIENT_SECRET'];

const compose = loadCompose(requiredEnv());
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

/** Required variables of a role, as the config module itself reports them for an empty environment. */
function requiredBy(role: ProcessRole): string[] {
  try {
    loadConfig(role, {});
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems.filter((problem) => problem.includes('required')).map((problem) => problem.slice(0, problem.indexOf(':')));
    }
    throw error;
  }
  return [];
}

function configOf(name: string, role: ProcessRole, env: Env = requiredEnv()) {
  return loadConfig(role, environmentOf(loadCompose(env).services[name]));
}

describe('docker-compose.yml', () => {
  it('has the whole stack: Temporal (server, schema, namespace, UI) on its own Postgres, our Postgres, migrate, api, worker', () => {
    for (const name of ['temporal-db', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'app-db', 'migrate', 'api', 'worker']) {
      expect(services, name).toHaveProperty(name);
      expect(service(name).profiles, `${name} must start with a plain \`docker compose up\``).toBeUndefined();
    }
    expect(service('simulator').profiles).toEqual(['simulator']);
  });

  it('uses the official Temporal images, admin-tools at the server version (its schema must match), and pins every image', () => {
    expect(service('temporal').image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    const serverVersion = service('temporal').image!.split(':')[1];
    for (const name of ['temporal-schema', 'temporal-namespace']) expect(service(name).image).toBe(`temporalio/admin-tools:${serverVersion}`);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    for (const [name, definition] of Object.entries(services)) {
      expect(definition.image, `${name} names no image`).toBeDefined();
      expect(definition.image, `${name} must pin its image`).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/);
      expect(definition.image, 'auto-setup is deprecated').not.toMatch(/auto-setup/);
    }
    expect(service('temporal-db').image).toMatch(/^postgres:\d+\.\d+/);
    expect(service('app-db').image).toMatch(/^postgres:\d+\.\d+/);
  });

  it('builds one image from the Dockerfile for api, worker, migrate and simulator, each running its package.json script without npm', () => {
    const images = new Set<string>();
    for (const [name, script] of Object.entries(IMAGE_SERVICES)) {
      const definition = service(name);
      const build = typeof definition.build === 'string' ? { context: definition.build } : definition.build;
      expect(build?.context, name).toBe('.');
      expect(build?.dockerfile ?? 'Dockerfile', name).toBe('Dockerfile');
      images.add(definition.image!);
      expect(packageJson.scripts, `package.json has no "${script}" script`).toHaveProperty(script);
      // `tsx FILE` runs as `node --import tsx FILE`: the same loader, but SIGTERM reaches the process
      // (npm run would drop it and leave the child to be killed).
      const [launcher, ...args] = packageJson.scripts[script]!.split(/\s+/);
      expect(asList(definition.command), name).toEqual(['node', '--import', launcher, ...args]);
    }
    expect(images.size).toBe(1);
  });

  it('runs scripts whose launcher is a production dependency (the image installs with --omit=dev)', () => {
    for (const script of Object.values(IMAGE_SERVICES)) {
      const launcher = packageJson.scripts[script]!.split(/\s+/)[0]!;
      expect(packageJson.dependencies, `"${script}" runs ${launcher}, which must be in dependencies`).toHaveProperty(launcher);
    }
  });

  it('refuses to start without each secret, and hard-codes none', () => {
    const { required } = composeVariables();
    for (const secret of SECRETS) {
      expect([...required], `${secret} must be \${${secret}:?…}`).toContain(secret);
      const env = requiredEnv();
      delete env[secret];
      expect(() => loadCompose(env)).toThrow(InterpolationError);
      expect(() => loadCompose({ ...env, [secret]: '' })).toThrow(secret);
    }
    const raw = readRawCompose().services;
    for (const [name, definition] of Object.entries(raw)) {
      for (const [key, value] of Object.entries(environmentOf(definition))) {
        if (/PASSWORD|PWD|SECRET|TOKEN|_KEY|KEYS/.test(key)) expect(value, `${name}.${key} must come from .env`).toMatch(/^\$\{[A-Z_]+[:?-]/);
      }
    }
    for (const name of APP_SERVICES) {
      const url = environmentOf(raw[name]).DATABASE_URL!;
      expect(url, `${name} DATABASE_URL password must come from .env`).toMatch(/^postgres:\/\/[^:]+:\$\{APP_DB_PASSWORD:\?[^}]*\}@/);
    }
  });

  it('gives api, worker, migrate and simulator only variables that shared/config.ts reads', () => {
    for (const name of Object.keys(IMAGE_SERVICES)) {
      for (const key of Object.keys(environmentOf(service(name)))) {
        expect(CONFIG_VARIABLES as string[], `${name} sets ${key}, which the config module never reads`).toContain(key);
      }
    }
  });

  it('gives api and worker every variable loadConfig requires, with values it accepts', () => {
    for (const role of APP_SERVICES) {
      const required = requiredBy(role);
      expect(required.length, `loadConfig('${role}') should require something`).toBeGreaterThan(0);
      const env = environmentOf(service(role));
      for (const name of required) expect(env[name], `${role} lacks ${name}`).toBeTruthy();
      expect(() => loadConfig(role, env)).not.toThrow();
    }
    // The defaults in .env.example are valid too (only the secrets are left for the operator).
    const example = readDotenv(join(ROOT, '.env.example'));
    const filled = Object.fromEntries(Object.entries(example).map(([name, value]) => [name, value || (composeVariables().required.has(name) ? dummyValue(name) : value)]));
    for (const role of APP_SERVICES) expect(() => configOf(role, role, filled)).not.toThrow();
  });

  it('keeps the admin API key out of the worker', () => {
    expect(environmentOf(service('api'))).toHaveProperty('ADMIN_API_KEY');
    expect(environmentOf(service('worker'))).not.toHaveProperty('ADMIN_API_KEY');
  });

  it('points TEMPORAL_ADDRESS of api and worker at the temporal service gRPC frontend', () => {
    const temporal = service('temporal');
    const grpcPort = Number(environmentOf(temporal).FRONTEND_GRPC_PORT ?? 7233);
    for (const role of APP_SERVICES) {
      const [host, port] = configOf(role, role).temporal.address!.split(':');
      expect(host, role).toBe('temporal');
      expect(Number(port), role).toBe(grpcPort);
    }
    expect(containerPorts(temporal)).toContain(grpcPort);
    expect(asList(temporal.healthcheck?.test).join(' ')).toContain(String(grpcPort));
    for (const name of ['temporal-namespace', 'temporal-ui']) expect(environmentOf(service(name)).TEMPORAL_ADDRESS, name).toBe(`temporal:${grpcPort}`);
  });

  it('is not redirected by TEMPORAL_ADDRESS or DATABASE_URL exported in the shell for `npm start`', () => {
    const env = { ...requiredEnv(), TEMPORAL_ADDRESS: 'localhost:7233', DATABASE_URL: 'postgres://postgres@localhost:5432/dev' };
    for (const role of APP_SERVICES) {
      const config = configOf(role, role, env);
      expect(config.temporal.address).toBe('temporal:7233');
      expect(new URL(config.databaseUrl!).hostname).toBe('app-db');
    }
  });

  it('uses one namespace and task queue everywhere, also when .env changes them', () => {
    const env = { ...requiredEnv(), TEMPORAL_NAMESPACE: 'quickbooks-prod', TEMPORAL_TASK_QUEUE: 'qbo-sync-blue' };
    const overridden = loadCompose(env).services;
    for (const role of APP_SERVICES) {
      const config = loadConfig(role, environmentOf(overridden[role]));
      expect(config.temporal.namespace).toBe('quickbooks-prod');
      expect(config.temporal.taskQueue).toBe('qbo-sync-blue');
    }
    expect(environmentOf(overridden['temporal-namespace']).TEMPORAL_NAMESPACE).toBe('quickbooks-prod');
    expect(environmentOf(overridden['temporal-ui']).TEMPORAL_DEFAULT_NAMESPACE).toBe('quickbooks-prod');
  });

  it('points DATABASE_URL of api, worker and migrate at the app Postgres, not at Temporal’s', () => {
    const urls = ['api', 'worker', 'migrate'].map((name) => environmentOf(service(name)).DATABASE_URL);
    expect(new Set(urls).size).toBe(1);
    const url = new URL(configOf('api', 'api').databaseUrl!);
    const database = service(url.hostname);
    expect(database.image).toMatch(/^postgres:/);
    const env = environmentOf(database);
    expect(url.port || '5432').toBe('5432');
    expect(decodeURIComponent(url.username)).toBe(env.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(env.POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(env.POSTGRES_DB);
    expect(url.hostname).not.toBe(environmentOf(service('temporal')).POSTGRES_SEEDS);
    expect(environmentOf(service('temporal-schema')).POSTGRES_SEEDS).toBe(environmentOf(service('temporal')).POSTGRES_SEEDS);
  });

  it('starts things in order: schema before Temporal, migrations and search attributes before api and worker', () => {
    for (const role of APP_SERVICES) {
      expect(dependsOn(service(role)), role).toMatchObject({
        migrate: 'service_completed_successfully',
        temporal: 'service_healthy',
        'temporal-namespace': 'service_completed_successfully',
        'app-db': 'service_healthy',
      });
    }
    expect(dependsOn(service('migrate'))).toMatchObject({ 'app-db': 'service_healthy' });
    expect(dependsOn(service('temporal-schema'))).toMatchObject({ 'temporal-db': 'service_healthy' });
    expect(dependsOn(service('temporal'))).toMatchObject({ 'temporal-schema': 'service_completed_successfully' });
    expect(dependsOn(service('temporal-namespace'))).toMatchObject({ temporal: 'service_healthy' });
    for (const [name, definition] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependsOn(definition))) {
        expect(services, `${name} depends on unknown ${dependency}`).toHaveProperty(dependency);
        if (condition === 'service_healthy') expect(service(dependency).healthcheck?.test, `${name} waits for ${dependency} to be healthy, which has no health check`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(ONE_SHOTS, `${name} waits for ${dependency} to complete`).toContain(dependency);
      }
    }
  });

  it('restarts long-running services and retries one-shots only on failure (so they can complete)', () => {
    for (const [name, definition] of Object.entries(services)) {
      if (ONE_SHOTS.includes(name)) expect(definition.restart ?? 'no', name).toMatch(/^(no|on-failure(:\d+)?)$/);
      else expect(definition.restart, name).toMatch(/^(always|unless-stopped)$/);
    }
  });

  it('health-checks the databases, Temporal, api and worker', () => {
    for (const name of ['temporal-db', 'app-db', 'temporal', 'api', 'worker']) {
      expect(asList(service(name).healthcheck?.test)[0], name).toMatch(/^CMD(-SHELL)?$/);
    }
  });

  it('publishes the API on the port it listens on, and health-checks its /healthz there', () => {
    const port = configOf('api', 'api').port;
    expect(containerPorts(service('api'))).toEqual([port]);
    const check = asList(service('api').healthcheck?.test).join(' ');
    expect(check).toMatch(new RegExp(`https?://(127\\.0\\.0\\.1|localhost):${port}/healthz\\b`));
    expect(loadCompose({ ...requiredEnv(), API_HOST_PORT: '8000' }).services.api!.ports).toEqual(['8000:3000']);
  });

  it('lets the worker scale: no published ports, no fixed container name, a health check of its own pollers', () => {
    const worker = service('worker');
    expect(worker.ports ?? []).toEqual([]);
    expect(worker.container_name).toBeUndefined();
    const check = asList(worker.healthcheck?.test);
    const script = check.find((part) => part.endsWith('.ts'));
    expect(script, 'worker health check runs a TypeScript file').toBeDefined();
    expect(existsSync(join(ROOT, script!))).toBe(true);
    expect(check).toEqual(expect.arrayContaining(['node', '--import', 'tsx']));
  });

  it('registers exactly the contract’s search attributes, with their types, in the app’s namespace', () => {
    const init = service('temporal-namespace');
    expect(asList(init.entrypoint).join(' ')).toMatch(/setup-namespace\.sh$/);
    const registered = Object.fromEntries(asList(init.command).map((pair) => pair.split('=') as [string, string]));
    expect(registered).toEqual(SEARCH_ATTRIBUTE_CLI_TYPES);
    expect(environmentOf(init).TEMPORAL_NAMESPACE).toBe(configOf('worker', 'worker').temporal.namespace);
  });

  it('mounts helper files that exist, and runs the scripts it mounts', () => {
    for (const [name, definition] of Object.entries(readRawCompose().services)) {
      for (const volume of definition.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source)), `${name} mounts missing ${source}`).toBe(true);
      }
      const entrypoint = asList(definition.entrypoint);
      const script = entrypoint.find((part) => part.endsWith('.sh'));
      if (script) {
        const mount = (definition.volumes ?? []).map(String).find((volume) => script.startsWith(`${volume.split(':')[1]}/`));
        expect(mount, `${name} runs ${script}, which no volume provides`).toBeDefined();
        const hostPath = join(ROOT, mount!.split(':')[0]!, relative(mount!.split(':')[1]!, script));
        expect(existsSync(hostPath), `${name} runs ${script} = ${hostPath}`).toBe(true);
      }
    }
    const temporal = environmentOf(service('temporal'));
    const dynamicConfig = (service('temporal').volumes ?? []).map(String).find((volume) => volume.split(':')[1] === temporal.DYNAMIC_CONFIG_FILE_PATH);
    expect(dynamicConfig, 'DYNAMIC_CONFIG_FILE_PATH is mounted').toBeDefined();
  });

  it('uses the same redirect URI in the API and the simulator, under PUBLIC_BASE_URL', () => {
    const config = configOf('api', 'api');
    expect(config.intuit.redirectUri).toBe(`${config.publicBaseUrl}/oauth/quickbooks/callback`);
    expect(environmentOf(service('simulator')).INTUIT_REDIRECT_URI).toBe(config.intuit.redirectUri);
    expect(configOf('simulator', 'simulator').simulatorPort).toBe(containerPorts(service('simulator'))[0]);
  });

  it('documents every variable it interpolates in .env.example', () => {
    const example = readDotenv(join(ROOT, '.env.example'));
    for (const name of composeVariables().all) expect(Object.keys(example), `.env.example lacks ${name}`).toContain(name);
    for (const secret of SECRETS) expect(example[secret], `.env.example must not ship a value for ${secret}`).toBe('');
  });
});
