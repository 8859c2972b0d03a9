/** Where histories to replay come from: JSON files (or folders of them) and a Temporal server. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { historyFromJson, summarizeHistory, UnreadableHistoryError } from './history-json.js';
import type { HistorySource } from './replay.js';

export interface UnreadableInput {
  label: string;
  message: string;
}

/** Files as given; a folder stands for the `*.json` files directly inside it. */
async function expand(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
      files.push(...names.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return files;
}

/** Reads history files; each unreadable one is reported, not thrown, so the others still replay. */
export async function readHistoryFiles(paths: readonly string[]): Promise<{ sources: HistorySource[]; unreadable: UnreadableInput[] }> {
  const sources: HistorySource[] = [];
  const unreadable: UnreadableInput[] = [];
  for (const file of await expand(paths)) {
    try {
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UnreadableHistoryError(error.code === 'ENOENT' ? 'no such file' : error.message);
      });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new UnreadableHistoryError(`not JSON: ${(error as Error).message}`);
      }
      const history = historyFromJson(json);
      sources.push({ label: file, workflowId: summarizeHistory(history).workflowId ?? basename(file, '.json'), history });
    } catch (error) {
      if (!(error instanceof UnreadableHistoryError)) throw error;
      unreadable.push({ label: file, message: error.message });
    }
  }
  return { sources, unreadable };
}

export interface ServerRequest {
  workflowIds: readonly string[];
  /** Only with one workflow id: that run instead of the latest. */
  runId?: string | undefined;
  /** Every run of each workflow id (the continue-as-new chain), oldest first. */
  allRuns?: boolean;
  /** A visibility query: every workflow it matches (latest run each), e.g. `WorkflowType='quickBooksConnectionWorkflow'`. */
  query?: string | undefined;
  limit?: number;
}

function serverLabel(workflowId: string, runId: string | undefined): string {
  return `workflow ${workflowId}${runId ? ` run ${runId}` : ''}`;
}

async function fetchRun(client: Client, workflowId: string, runId: string | undefined): Promise<HistorySource> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return { label: serverLabel(workflowId, runId ?? summarizeHistory(history).runId), workflowId, history };
}

function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Fetches histories from the server; a workflow it does not know is reported as unreadable input. */
export async function fetchHistories(client: Client, request: ServerRequest): Promise<{ sources: HistorySource[]; unreadable: UnreadableInput[] }> {
  const sources: HistorySource[] = [];
  const unreadable: UnreadableInput[] = [];
  for (const workflowId of request.workflowIds) {
    try {
      if (request.allRuns) {
        const runs: { runId: string; startTime: Date }[] = [];
        for await (const execution of client.workflow.list({ query: `WorkflowId = ${quoted(workflowId)}` })) runs.push({ runId: execution.runId, startTime: execution.startTime });
        if (runs.length === 0) throw new WorkflowNotFoundError(`no run of ${workflowId} is visible`, workflowId, undefined);
        runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
        for (const run of runs) sources.push(await fetchRun(client, workflowId, run.runId));
      } else {
        sources.push(await fetchRun(client, workflowId, request.runId));
      }
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      unreadable.push({ label: serverLabel(workflowId, request.runId), message: 'not found on the server' });
    }
  }
  if (request.query) {
    let count = 0;
    for await (const execution of client.workflow.list({ query: request.query })) {
      if (request.limit !== undefined && count >= request.limit) break;
      count += 1;
      sources.push(await fetchRun(client, execution.workflowId, execution.runId));
    }
  }
  return { sources, unreadable };
}
