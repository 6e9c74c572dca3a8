import { runSpecGroup } from './specs';

// The access simulation and the monitoring specs, in one module registry (see specs.ts).
runSpecGroup('access');
