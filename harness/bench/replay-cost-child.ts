/**
 * The child process of the replay benchmark (`replay-cost.ts`): replays each recorded history `copies`
 * times with the given workflow bundle, in one replay worker, and prints one JSON line per history with
 * the process's CPU per replay. WORKER_WORKFLOW_STACK_TRACES in its environment decides whether the SDK's
 * stack-trace promise hook is installed (read once, when the workflow runtime starts).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJson } from '../../replay/history-json.js';

const [bundlePath, copiesArg, ...files] = process.argv.slice(2);
const copies = Number(copiesArg);
const workflowBundle = { codePath: bundlePath! };

async function replayAll(label: string, history: ReturnType<typeof historyFromJson>, count: number): Promise<void> {
  const sources = Array.from({ length: count }, (_, index) => ({ workflowId: `${label}-${index}`, history }));
  for await (const outcome of Worker.runReplayHistories({ workflowBundle, replayName: label }, sources)) {
    if (outcome.error) throw outcome.error;
  }
}

for (const file of files) {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { events: unknown[] };
  const history = historyFromJson(json);
  // The first replays load and compile the bundle: warm up before measuring.
  await replayAll('warm-up', history, 20);
  const before = process.cpuUsage();
  await replayAll('measured', history, copies);
  const spent = process.cpuUsage(before);
  console.log(JSON.stringify({ history: basename(file), events: json.events.length, cpuMsPerReplay: (spent.user + spent.system) / 1000 / copies }));
}
