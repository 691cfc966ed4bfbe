/**
 * When teammates get a team's actions (`team:actions`), shared by the gateway and the triage
 * benchmark's bare socket.io baseline, which must keep the same schedule to be a fair floor.
 */

/** How long a committed action may wait to be sent to teammates with others of its team. */
export const ACTION_BATCH_MS = 25;
/**
 * A busy team's batches go out at most this often: every batch is one socket write per teammate,
 * and at 5,000 actions/s a 25 ms cadence meant 20,000 writes a second, which starved the acks. At
 * 200 ms the teammate writes were still a third of all socket writes (a write costs ~15 µs of the
 * server thread, whatever its size); consoles refresh derived views once a second anyway.
 */
export const TEAM_ACTIONS_MIN_INTERVAL_MS = 500;
