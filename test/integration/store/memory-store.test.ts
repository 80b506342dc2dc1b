import { randomUUID } from 'node:crypto';
import { createMemoryStores } from '../../../src/store/memory/index.js';
import { storeContract } from './store-contract.js';

storeContract('memory', async () => ({ stores: createMemoryStores(), app: `app-${randomUUID().slice(0, 6)}` }), async ({ stores }) => stores.health.close());
