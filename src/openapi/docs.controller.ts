import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Access } from '../auth/access.decorator.js';
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
  constructor(@Inject(OpenApiService) private readonly openApi: OpenApiService) {}

  @Get('docs-json')
  @Access('public')
  document(): Record<string, unknown> {
    return this.openApi.document();
  }

  @Get('docs')
  @Access('public')
  @Header('Content-Type', 'text/html; charset=utf-8')
  ui(): string {
    return DOCS_HTML;
  }

  @Get('docs/init.js')
  @Access('public')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  init(): string {
    return DOCS_INIT;
  }
}
