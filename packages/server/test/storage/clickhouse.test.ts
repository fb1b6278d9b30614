import { CLICKHOUSE } from '../support/engines.js';
import { storageConformance } from './conformance.js';

storageConformance(CLICKHOUSE.name, { create: () => CLICKHOUSE.open() });
