/** Where the project lives on disk, for tools that find its files (workflows, fixtures, binaries). */
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..');
