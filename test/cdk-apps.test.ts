import { runSpecGroup } from './specs';

// The specs that build the whole app, in one module registry (see specs.ts).
runSpecGroup('apps');
