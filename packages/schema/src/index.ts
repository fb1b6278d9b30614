export * from './demo-analysis.js';
export * from './errors.js';
export * from './event.js';
export * from './json-depth.js';
export * from './limits.js';
export * from './query-results.js';
export * from './time-range.js';
export * from './vocabulary.js';
