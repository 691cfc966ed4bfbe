import { type ChildProcess, fork } from 'node:child_process';

/** A forked helper process (a TypeScript file run through tsx) speaking typed messages over IPC. */
export class Child<In, Out> {
  private readonly child: ChildProcess;
  private readonly waiting: Array<{ match: (m: Out) => boolean; resolve: (m: Out) => void; reject: (e: Error) => void }> = [];
  /** Messages no one was waiting for yet (a child may report before the parent asks). */
  private readonly unclaimed: Out[] = [];
  private exitError: Error | null = null;

  constructor(script: string, options: { execArgv?: readonly string[]; env?: Record<string, string> } = {}) {
    this.child = fork(script, [], {
      execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (message) => {
      const m = message as Out;
      const index = this.waiting.findIndex((w) => w.match(m));
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(m);
      else this.unclaimed.push(m);
    });
    this.child.on('exit', (code, signal) => {
      this.exitError = new Error(`${script} exited (${code ?? signal})`);
      for (const w of this.waiting.splice(0)) w.reject(this.exitError);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(message: In): void {
    this.child.send(message as unknown as object);
  }

  next<T extends Out>(match: (m: Out) => m is T, timeoutMs = 120_000): Promise<T> {
    const early = this.unclaimed.findIndex(match);
    if (early >= 0) return Promise.resolve(this.unclaimed.splice(early, 1)[0] as T);
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply from child within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Sends `message` and waits for the reply that `match` recognises. */
  ask<T extends Out>(message: In, match: (m: Out) => m is T, timeoutMs = 120_000): Promise<T> {
    const reply = this.next(match, timeoutMs);
    this.send(message);
    return reply;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
