/** Runs before `npm start` and `npm test`: makes sure the Temporal dev server and test server exist. */
import { ensureTemporalBinaries } from '../local/temporal-binaries.js';

try {
  const { cli, testServer } = ensureTemporalBinaries();
  if (process.env.VERBOSE) console.error(`temporal: ${cli}\ntemporal-test-server: ${testServer}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
