/** A minimal workflow that proves the harness: it tags itself with a search attribute and waits for a signal. */
import { condition, defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { connectionStatusKey } from '../../../shared/search-attributes.js';

export const finish = defineSignal('finish');

export async function trivialWorkflow(status: string): Promise<string> {
  let finished = false;
  setHandler(finish, () => void (finished = true));
  upsertSearchAttributes([{ key: connectionStatusKey, value: status }]);
  await condition(() => finished);
  return status;
}
