import { loadDatabaseUrl } from './app-config.js';

/** Where the database is, from the process environment (for the `soc-drill` tools; the server uses configFromProcess). */
export function databaseUrlFromProcess(): string {
  return loadDatabaseUrl(process.env);
}
