/**
 * Time comes through ports, so the engine and the services that wait on time are tested with a
 * manual clock (src/engine/clock-port.ts) and never sleep. Framework-free: the engine imports it.
 */

/** Wall-clock source in epoch milliseconds. */
export interface ClockPort {
  now(): number;
}

/**
 * ONE re-armable timer. Arming replaces whatever was armed before, so a scheduler can never leak
 * a timer per event.
 */
export interface TimerPort {
  arm(atWallMs: number, callback: () => void): void;
  disarm(): void;
}
