/** What `npm start` tells a person once everything runs: where to click, and how to sign in. */
import { relative } from 'node:path';

export interface StartUrls {
  dashboard: string;
  login: string;
  docs: string;
  temporalUi: string | undefined;
  temporal: string;
  simulator: string | undefined;
}

export interface BannerFacts {
  urls: StartUrls;
  merchant: { name: string; apiKey: string };
  companies: { realmId: string; name: string }[];
  dataDir: string;
  projectRoot: string;
  database: string;
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
  const rows: [string, string][] = [
    ['Dashboard', `${urls.dashboard}   (sign in at ${urls.login} with the API key below)`],
    ['API key', `${facts.merchant.apiKey}   (${facts.merchant.name})`],
    ['API docs', urls.docs],
    ['Temporal UI', urls.temporalUi ?? `none embedded (TEMPORAL_ADDRESS=${urls.temporal})`],
    ['Simulator', urls.simulator ? `${urls.simulator}/__simulator   (QuickBooks, offline)` : 'none (the real Intuit)'],
    ...facts.companies.map((company): [string, string] => ['  company', `${company.name} (realmId ${company.realmId})`]),
    ['Database', facts.database],
    ['Data', `${dataDir}/   (generated secrets: ${dataDir}/secrets.json)`],
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
