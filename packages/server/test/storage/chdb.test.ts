import { CHDB } from '../support/engines.js';
import { storageConformance } from './conformance.js';

storageConformance(CHDB.name, { create: () => CHDB.open() });
