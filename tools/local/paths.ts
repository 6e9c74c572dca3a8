import { join } from 'node:path';

/** The repository's root directory. */
export const REPO_ROOT = join(__dirname, '..', '..');
