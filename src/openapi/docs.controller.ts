import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Access } from '../common/access.decorator.js';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { OpenApiService } from './openapi.service.js';

/** Swagger UI is served from the bundled swagger-ui-dist files: no CDN, works offline. */
const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SOC Drill API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/docs-json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });`;

@Controller()
export class DocsController {
  constructor(
    @Inject(OpenApiService) private readonly openApi: OpenApiService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Off (OPENAPI_DOCS=false, the production default), the documentation routes do not exist. */
  private ensureServed(): void {
    if (!this.config.openApiDocs) throw new AppError('ROUTE_NOT_FOUND', 'Not found');
  }

  @Get('docs-json')
  @Access('public')
  document(): Record<string, unknown> {
    this.ensureServed();
    return this.openApi.document();
  }

  @Get('docs')
  @Access('public')
  @Header('Content-Type', 'text/html; charset=utf-8')
  ui(): string {
    this.ensureServed();
    return DOCS_HTML;
  }

  @Get('docs/init.js')
  @Access('public')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  init(): string {
    this.ensureServed();
    return DOCS_INIT;
  }
}
