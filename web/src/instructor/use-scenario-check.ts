import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScenarioValidationResult } from '@contracts/scenario-api.schema.js';
import type { ScenarioTimeline } from '@contracts/scenario-timeline.schema.js';
import { api, ApiError } from '../api/api-client.js';

/** Quiet time after the last keystroke before the text is checked. */
export const CHECK_DELAY_MS = 400;
/** The server allows two checks in flight per user; one cancelled a moment ago may still hold a slot. */
const RATE_LIMITED_RETRY_MS = 1_000;

export interface ScenarioCheck {
  /** The last check's answer. Its problems stay shown while the author types (the editor moves them with the text) until the next answer. */
  readonly result: ScenarioValidationResult | null;
  /** The edit `result` describes: equal to the current version when it is the check of the text as it is now. */
  readonly resultVersion: number;
  /** The timeline of the last text that was valid (kept while the author fixes a slip). */
  readonly timeline: ScenarioTimeline | null;
  /** The timeline is older than the text: the last check found problems. */
  readonly timelineStale: boolean;
  readonly checking: boolean;
  readonly error: unknown;
  /** Request to answer of the last check, in milliseconds. */
  readonly roundTripMs: number | null;
}

/**
 * Checks the editor's text on the server as the author types: `version` counts edits, `text()`
 * reads the text. A check starts after CHECK_DELAY_MS without an edit; an edit cancels the check in
 * flight (its answer would describe text that is gone), so only answers for the current text are
 * ever shown. `checkNow` checks at once (the Validate button, before saving).
 */
export function useScenarioCheck(text: () => string, version: number, enabled: boolean) {
  const [state, setState] = useState<ScenarioCheck>({
    result: null,
    resultVersion: -1,
    timeline: null,
    timelineStale: false,
    checking: false,
    error: null,
    roundTripMs: null,
  });
  const inFlight = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(version);
  latest.current = version;
  const read = useRef(text);
  read.current = text;

  const run = useCallback(async (forVersion: number): Promise<ScenarioValidationResult | null> => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    const source = read.current();
    if (!source.trim()) {
      setState((s) => ({ ...s, result: null, resultVersion: forVersion, checking: false, error: null, timelineStale: s.timeline !== null }));
      return null;
    }
    setState((s) => ({ ...s, checking: true }));
    const started = performance.now();
    try {
      const result = await api.post<ScenarioValidationResult>('/scenarios/validate?timeline=true', { source }, controller.signal);
      if (controller.signal.aborted || latest.current !== forVersion) return null;
      const roundTripMs = Math.round(performance.now() - started);
      setState((s) => ({
        result,
        resultVersion: forVersion,
        timeline: result.timeline ?? s.timeline,
        timelineStale: !result.valid && s.timeline !== null,
        checking: false,
        error: null,
        roundTripMs,
      }));
      return result;
    } catch (error) {
      if (controller.signal.aborted) return null;
      if (error instanceof ApiError && error.code === 'RATE_LIMITED') {
        timer.current = setTimeout(() => void run(forVersion), RATE_LIMITED_RETRY_MS);
        return null;
      }
      setState((s) => ({ ...s, checking: false, error }));
      return null;
    } finally {
      if (inFlight.current === controller && controller.signal.aborted) inFlight.current = null;
    }
  }, []);

  useEffect(() => {
    clearTimeout(timer.current);
    // The text changed: an answer still on its way describes older text.
    inFlight.current?.abort();
    if (!enabled) return;
    setState((s) => (s.checking ? { ...s, checking: false } : s));
    timer.current = setTimeout(() => void run(version), CHECK_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [version, enabled, run]);

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      inFlight.current?.abort();
    },
    [],
  );

  const checkNow = useCallback(() => {
    clearTimeout(timer.current);
    return run(latest.current);
  }, [run]);

  return { ...state, checkNow };
}
