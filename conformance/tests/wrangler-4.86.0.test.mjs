// wrangler 4.86.0 against Stepflow: see lib/wrangler-suite.mjs.
import { wranglerSuite } from '../lib/wrangler-suite.mjs';

wranglerSuite('4.86.0');
