import { exampleConfig } from '../../lib/config/environments';
import { AppConfig } from '../../lib/config/types';
import { VARIANTS } from '../../tools/validate/variants';
import { deepFreeze } from '../helpers';

/**
 * The example with `dev` in lattice mode (the variant `npm run validate` checks with every rule
 * pack): its APIs, and two consumers, one calling the first API only. Frozen: several tests share it.
 */
export const latticeConfig: AppConfig = deepFreeze(VARIANTS.lattice(exampleConfig));
