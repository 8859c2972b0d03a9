/**
 * What `npm start` tells a person once everything runs: where to click, how to sign in, and the two
 * addresses operator tools need (Temporal's gRPC address and a DATABASE_URL that reaches the embedded
 * PGlite), so that ops, replay, the temporal CLI and psql work against this stack as printed.
 */
import { relative } from 'node:path';

export interface StartUrls {
  dashboard: string;
  login: string;
  docs: string;
  temporalUi: string | undefined;
  temporal: string;
  simulator: string | undefined;
  /** The page of the local mail sink's caught mails (undefined: SMTP_URL sends them for real). */
  mail?: string | undefined;
}

export interface BannerFacts {
  urls: StartUrls;
  merchant: { name: string; apiKey: string };
  companies: { realmId: string; name: string }[];
  dataDir: string;
  projectRoot: string;
  /** PGlite served over the wire protocol at `url`, or a Postgres the environment named. */
  database: { kind: 'pglite'; url: string; dataDir: string } | { kind: 'postgres' };
  readyMs: number;
}

export function startUrls(publicBaseUrl: string, temporal: { address: string; uiUrl: string | undefined }, simulatorUrl: string | undefined): StartUrls {
  return {
    dashboard: `${publicBaseUrl}/`,
    login: `${publicBaseUrl}/login`,
    docs: `${publicBaseUrl}/docs`,
    temporalUi: temporal.uiUrl,
    temporal: temporal.address,
    simulator: simulatorUrl,
  };
}

export function formatBanner(facts: BannerFacts): string {
  const { urls } = facts;
  const shown = relative(facts.projectRoot, facts.dataDir);
  const dataDir = shown && !shown.startsWith('..') ? shown : facts.dataDir;
  const database = facts.database;
  const databaseDir = database.kind === 'pglite' ? relative(facts.projectRoot, database.dataDir) : '';
  const rows: [string, string][] = [
    ['Dashboard', `${urls.dashboard}   (sign in at ${urls.login} with the API key below)`],
    ['API key', `${facts.merchant.apiKey}   (${facts.merchant.name})`],
    ['API docs', urls.docs],
    ['Temporal UI', urls.temporalUi ?? 'none embedded'],
    ['Temporal', `${urls.temporal}   (gRPC: TEMPORAL_ADDRESS for ops and replay, --address for the temporal CLI)`],
    ['Simulator', urls.simulator ? `${urls.simulator}/__simulator   (QuickBooks, offline)` : 'none (the real Intuit)'],
    ...facts.companies.map((company): [string, string] => ['  company', `${company.name} (realmId ${company.realmId})`]),
    ['Mail', urls.mail ? `${urls.mail}   (notice emails, caught by a local mail sink; set SMTP_URL to send them)` : 'sent through SMTP_URL'],
    [
      'Database',
      database.kind === 'pglite'
        ? `${database.url}   (PGlite in ${databaseDir && !databaseDir.startsWith('..') ? databaseDir : database.dataDir}; DATABASE_URL for ops and psql)`
        : 'Postgres at DATABASE_URL',
    ],
    ['Data', `${dataDir}/   (generated secrets: ${dataDir}/secrets.json)`],
    ['Operators', `npm run ops -- list   (ops and replay find this stack through ${dataDir}/stack.json)`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 3;
  return [
    '',
    `  QuickBooks sync is running (ready in ${(facts.readyMs / 1000).toFixed(1)} s)`,
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    '',
    '  Press Ctrl-C to stop. Everything is kept for the next start.',
    '',
    '',
  ].join('\n');
}
