/**
 * One colour per score component, the same in the cockpit's scoreboard, the results pages and the
 * printed reports (src/results/report-html.ts), so a reader who learnt one chart reads the others.
 */
export const COMPONENT_COLORS = { detection: '#1c7ed6', response: '#2f9e44', coordination: '#f08c00', incident: '#ae3ec9' } as const;
