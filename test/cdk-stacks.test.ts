import { runSpecGroup } from './specs';

// The specs that build stages, stacks and constructs, in one module registry (see specs.ts).
runSpecGroup('stacks');
