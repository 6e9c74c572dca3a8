import { AppConfig } from '../../lib/config/types';
import { AssemblyIndex } from './assembly-index';
import { AccessCall } from './simulate';

/**
 * Finds the calls of one kind in the assembly. The configuration is there for a source whose
 * expectations are the access matrix (`consumers[].calls`), so a policy that strays from the
 * matrix shows as a mismatch instead of redefining what is expected.
 */
export type CallSource = (index: AssemblyIndex, config: AppConfig) => AccessCall[];

/** An account id that owns nothing in any configuration, for "someone else" rows. */
export const STRANGER_ACCOUNT = '999999999999';
