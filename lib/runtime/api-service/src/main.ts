/** Process entry point of the container image (bundled to dist/main.js): the service, nothing else. */
import { runApiService } from './service-process';

runApiService();
