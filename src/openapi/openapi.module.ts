import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocsController } from './docs.controller.js';
import { RouteCatalogue } from './openapi-document.js';
import { OpenApiService } from './openapi.service.js';

@Module({
  imports: [DiscoveryModule],
  controllers: [DocsController],
  providers: [RouteCatalogue, OpenApiService],
  exports: [OpenApiService],
})
export class OpenApiModule {}
