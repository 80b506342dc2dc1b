import type { ScoringEngine } from '../../scoring/index.js';
import type { GatewayConfig } from '../config/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { AcceptService } from '../pipeline/accept-service.js';
import type { AckService } from '../pipeline/ack-service.js';
import type { ReceiptRouter } from '../pipeline/receipt-router.js';
import type { Stores } from '../store/ports.js';
import type { ApiKeyAuth } from './auth.js';

/** What the route plugins need, handed to each as its options. */
export interface HttpServices {
  config: GatewayConfig;
  stores: Stores;
  auth: ApiKeyAuth;
  accept: AcceptService;
  acks: AckService;
  receipts: ReceiptRouter;
  scoring: Pick<ScoringEngine, 'table'>;
  metrics: GatewayMetrics;
  /** False while shutting down: /readyz fails so load balancers stop sending. */
  isAccepting: () => boolean;
}
