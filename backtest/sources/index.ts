/**
 * Historical market sources for backtests: CSV files (detected by header) and seeded generators.
 *
 * @example
 * import { openCsvSource, gbmSource } from './sources/index.js';
 */
export * from './historical-source.js';
export * from './chainlink-csv-source.js';
export * from './uniswap-events-csv-source.js';
export * from './ohlcv-csv-source.js';
export * from './generated-source.js';
export * from './open-csv-source.js';
export * from './parse-time.js';
