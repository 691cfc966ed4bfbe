import { Injectable } from '@nestjs/common';
import { buildOpenApiDocument, RouteCatalogue, type RouteDescriptor } from './openapi-document.js';

export const API_PREFIX = 'api';
export const API_VERSION = '0.1.0';

@Injectable()
export class OpenApiService {
  private cached: Record<string, unknown> | undefined;

  constructor(private readonly catalogue: RouteCatalogue) {}

  routes(): RouteDescriptor[] {
    return this.catalogue.routes(API_PREFIX);
  }

  /** Built once: routes cannot change after start-up. */
  document(): Record<string, unknown> {
    this.cached ??= buildOpenApiDocument(this.routes(), API_VERSION);
    return this.cached;
  }
}
