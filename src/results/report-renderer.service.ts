import { existsSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from '../common/app-error.js';

/** Flags for a headless print-only browser: no sandbox (containers), no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Pages printed at once; more wait their turn (a report is CPU-bound in Chromium). */
const MAX_CONCURRENT = 2;
/** An idle browser is closed after this long; the next report starts a new one. */
const IDLE_CLOSE_MS = 60_000;
const RENDER_TIMEOUT_MS = 30_000;

/**
 * Prints server-rendered HTML to PDF with headless Chromium (playwright-core driving the system
 * browser at CHROMIUM_PATH). One browser is shared and closed when idle; no page may load anything
 * from the network.
 */
@Injectable()
export class ReportRenderer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReportRenderer.name);
  private browser: Promise<Browser> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Whether the configured browser exists (the PDF routes answer 503 otherwise). */
  available(): boolean {
    return existsSync(this.config.CHROMIUM_PATH);
  }

  /** Refuses with REPORT_RENDERER_UNAVAILABLE when the configured browser does not exist. */
  requireAvailable(): void {
    if (!this.available())
      throw this.unavailable(`Chromium not found at ${this.config.CHROMIUM_PATH} (set CHROMIUM_PATH, or install Debian's chromium package)`);
  }

  /** Prints `html`; once `signal` aborts (the print's time is up), its page is closed and Chromium stops printing it. */
  async pdf(html: string, signal?: AbortSignal): Promise<Buffer> {
    this.requireAvailable();
    await this.acquire();
    try {
      signal?.throwIfAborted();
      const browser = await this.launch();
      const context = await browser.newContext();
      const stop = (): void => void context.close().catch(() => undefined);
      signal?.addEventListener('abort', stop, { once: true });
      try {
        signal?.throwIfAborted();
        const page = await context.newPage();
        page.setDefaultTimeout(RENDER_TIMEOUT_MS);
        await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
        await page.setContent(html, { waitUntil: 'load' });
        await page.evaluate('document.fonts.ready.then(() => true)');
        return await page.pdf({
          format: 'A4',
          printBackground: true,
          margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' },
          preferCSSPageSize: true,
        });
      } finally {
        signal?.removeEventListener('abort', stop);
        await context.close().catch(() => undefined);
      }
    } finally {
      this.release();
    }
  }

  /**
   * In production the browser driver (playwright-core, seconds of synchronous module loading) is
   * loaded before the server listens, so the first print does not hold the event loop for it.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.NODE_ENV !== 'production' || !this.available()) return;
    await import('playwright-core').catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  private unavailable(message: string): AppError {
    return new AppError('REPORT_RENDERER_UNAVAILABLE', message);
  }

  private launch(): Promise<Browser> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.browser === null) {
      const starting = (async () => {
        let chromium: typeof import('playwright-core').chromium;
        try {
          ({ chromium } = await import('playwright-core'));
        } catch {
          throw this.unavailable('playwright-core is not installed');
        }
        try {
          const browser = await chromium.launch({ executablePath: this.config.CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: RENDER_TIMEOUT_MS });
          browser.on('disconnected', () => {
            if (this.browser === starting) this.browser = null;
          });
          return browser;
        } catch (error) {
          this.logger.error(`Chromium did not start: ${error instanceof Error ? error.message : String(error)}`);
          throw this.unavailable('The report renderer (Chromium) could not be started');
        }
      })();
      this.browser = starting;
      starting.catch(() => {
        if (this.browser === starting) this.browser = null;
      });
    }
    return this.browser;
  }

  private async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const browser = this.browser;
    this.browser = null;
    if (browser) await (await browser.catch(() => null))?.close().catch(() => undefined);
  }

  private acquire(): Promise<void> {
    if (this.active < MAX_CONCURRENT) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next();
      return;
    }
    this.active -= 1;
    if (this.active === 0) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
      this.idleTimer.unref();
    }
  }
}
