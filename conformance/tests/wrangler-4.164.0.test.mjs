// wrangler 4.164.0 against Stepflow: see lib/wrangler-suite.mjs.
import { wranglerSuite } from '../lib/wrangler-suite.mjs';

wranglerSuite('4.164.0');
