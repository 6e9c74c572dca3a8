/** Process entry point of the stock image (bundled to dist/main.js): the catalogue's server with the stock routes. */
import { runApiService } from '../../api-service/src/service-process';
import { createStockRouter } from './routes';

runApiService({ router: (props) => createStockRouter(props) });
