/** People watch the board: once a second is live enough, and keeps scoring off the delivery path. */
export const LIVE_INTERVAL_MS = 1000;
/** However busy the server, a board whose teams act is recomputed at least this often. */
export const LIVE_MAX_INTERVAL_MS = 5000;

/**
 * The pause between live recomputations: a second, or ten times what the last one took (it yields
 * to sockets every few ms, so on a saturated server it takes longer), up to five seconds. The board
 * then costs at most about a tenth of the server, and under 5,000 actions a second the acks get it.
 */
export function liveIntervalMs(lastDurationMs: number): number {
  return Math.min(LIVE_MAX_INTERVAL_MS, Math.max(LIVE_INTERVAL_MS, Math.round(10 * lastDurationMs)));
}
