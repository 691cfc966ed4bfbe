/**
 * The in-process publish/subscribe behind the app's channels (exercise bus, session revocations):
 * every listener gets every message, in subscription order, and one that throws neither stops the
 * others nor reaches the publisher (it is reported through `onError`).
 */
export class ListenerSet<T> {
  private readonly listeners = new Set<(message: T) => void>();

  constructor(private readonly onError: (error: unknown, message: T) => void) {}

  subscribe(listener: (message: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(message: T): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.onError(error, message);
      }
    }
  }
}
