export { type RunningSightline, type StartOptions, startSightline } from './app.js';
export { resolveConfig, type SightlineConfig } from './config.js';
export { openDuckDbEngine } from './storage/duckdb/index.js';
export type { EventRow, InsertResult, Project, StorageEngine, StoredEvent } from './storage/engine.js';
