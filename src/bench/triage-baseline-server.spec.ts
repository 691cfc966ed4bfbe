import { startTriageBaseline } from './triage-baseline-server.js';
import { runLoad } from './triage-load-client.js';

describe('triage baseline server', () => {
  it('acks every action and relays it to every socket of its team, as the real gateway does', async () => {
    const server = await startTriageBaseline(2, 3, 4);
    try {
      const report = await runLoad({ baseUrl: server.baseUrl, exerciseId: 'baseline', clients: server.clients, actionsPerSecond: 200, durationMs: 500 });
      expect(report.sent).toBe(100);
      expect(report.acked).toBe(100);
      expect(report.errors).toEqual({});
      expect(new Set(report.appliedIds).size).toBe(100);
      // Each action reaches the three sockets of its team (the sender's included), in batches.
      expect(report.broadcastsReceived).toBe(300);
      expect(report.broadcastBatches).toBeLessThan(300);
    } finally {
      await server.close();
    }
  });
});
