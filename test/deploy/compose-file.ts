/**
 * Reads docker-compose.yml the way `docker compose` does, as far as the deploy tests need: YAML with
 * anchors and `<<` merge keys, then variable interpolation (`${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `$VAR`, `$$`) against an
 * explicit environment — never this process's, so the developer's shell cannot change a result.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../shared/paths.js';

export const ROOT = PROJECT_ROOT;
export const COMPOSE_PATH = join(ROOT, 'docker-compose.yml');

export type Env = Record<string, string | undefined>;

export interface HealthCheck {
  test?: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

export interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: string | number })[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: HealthCheck;
  restart?: string;
  profiles?: string[];
  volumes?: (string | { type: string; source?: string; target: string })[];
  container_name?: string;
  init?: boolean;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

export class InterpolationError extends Error {
  constructor(readonly missing: string[]) {
    super(`docker compose would refuse to start:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
  }
}

const VARIABLE = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Interpolates one string; records every variable name it mentions in `used`, unmet `?` in `missing`. */
export function interpolateString(value: string, env: Env, used: Set<string>, missing: string[]): string {
  return value.replace(VARIABLE, (_match, dollar: string | undefined, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (dollar) return '$';
    const name = (braced ?? bare)!;
    used.add(name);
    const current = env[name];
    const isSet = current !== undefined;
    const nonEmpty = isSet && current !== '';
    switch (op) {
      case undefined:
        return current ?? '';
      case ':-':
        return nonEmpty ? current : (arg ?? '');
      case '-':
        return isSet ? current : (arg ?? '');
      case ':?':
        if (!nonEmpty) missing.push(`${name}: ${arg ?? ''}`);
        return current ?? '';
      case '?':
        if (!isSet) missing.push(`${name}: ${arg ?? ''}`);
        return current ?? '';
      case ':+':
        return nonEmpty ? (arg ?? '') : '';
      case '+':
        return isSet ? (arg ?? '') : '';
      default:
        throw new Error(`unknown interpolation operator ${op}`);
    }
  });
}

function interpolateValue(value: unknown, env: Env, used: Set<string>, missing: string[]): unknown {
  if (typeof value === 'string') return interpolateString(value, env, used, missing);
  if (Array.isArray(value)) return value.map((item) => interpolateValue(item, env, used, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateValue(item, env, used, missing)]));
  }
  return value;
}

export function readRawCompose(): ComposeFile {
  return parse(readFileSync(COMPOSE_PATH, 'utf8'), { merge: true }) as ComposeFile;
}

/** The compose file after interpolation with `env`; throws InterpolationError like compose would. */
export function loadCompose(env: Env): ComposeFile {
  const used = new Set<string>();
  const missing: string[] = [];
  const result = interpolateValue(readRawCompose(), env, used, missing) as ComposeFile;
  if (missing.length > 0) throw new InterpolationError(missing);
  return result;
}

/** Every variable name the compose file interpolates, and which of them are required (`?`). */
export function composeVariables(): { all: Set<string>; required: Set<string> } {
  const all = new Set<string>();
  const missing: string[] = [];
  interpolateValue(readRawCompose(), {}, all, missing);
  return { all, required: new Set(missing.map((line) => line.slice(0, line.indexOf(':')))) };
}

/** A valid stand-in for a secret the compose file requires. */
export function dummyValue(name: string): string {
  if (name === 'TOKEN_ENCRYPTION_KEYS') return randomBytes(32).toString('base64');
  if (name === 'ADMIN_API_KEY') return randomBytes(24).toString('hex');
  return `dummy-${name.toLowerCase().replaceAll('_', '-')}`;
}

/** Values for every required variable: what a filled-in .env provides. */
export function requiredEnv(): Env {
  return Object.fromEntries([...composeVariables().required].map((name) => [name, dummyValue(name)]));
}

/** A service's environment as the container sees it (list or map syntax), values as strings. */
export function environmentOf(service: Service | undefined): Record<string, string> {
  const environment = service?.environment;
  if (!environment) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => {
      const index = entry.indexOf('=');
      return index === -1 ? [entry, ''] : [entry.slice(0, index), entry.slice(index + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

export function asList(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : value.split(/\s+/).filter(Boolean);
}

/** Container ports a service publishes (the target side of each mapping). */
export function containerPorts(service: Service | undefined): number[] {
  return (service?.ports ?? []).map((port) => {
    if (typeof port === 'object') return port.target;
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    return Number(parts[parts.length - 1]);
  });
}

export function dependsOn(service: Service | undefined): Record<string, string> {
  const dependencies = service?.depends_on;
  if (!dependencies) return {};
  if (Array.isArray(dependencies)) return Object.fromEntries(dependencies.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependencies).map(([name, spec]) => [name, spec.condition ?? 'service_started']));
}

/** Parses a dotenv file (`NAME=value` lines, `#` comments) into a map. */
export function readDotenv(path: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) entries[match[1]!] = match[2]!.trim();
  }
  return entries;
}
