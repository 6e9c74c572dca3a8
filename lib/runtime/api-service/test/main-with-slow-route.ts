/**
 * The service's process as main.ts runs it, plus the test-only slow route: main.test.ts bundles
 * this entry to send signals while requests are in flight. Never part of the image.
 */
import { runApiService } from '../src/service-process';
import { slowRoute } from './slow-route';

runApiService({ extraRoutes: [slowRoute] });
