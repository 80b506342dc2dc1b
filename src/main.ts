#!/usr/bin/env node
/**
 * Entry point of the gateway process (`npm start`, the Dockerfile): the same as `pushmux serve`
 * (src/cli/serve.ts). A bad config stops the process with a message naming the field and the fix.
 */
import { serve, startFailed } from './cli/serve.js';

serve().catch(startFailed);
