import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import { AuditPageSchema, AuditQuerySchema, type AuditPage, type AuditQuery } from '../contracts/auth-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { AuditService } from './audit.service.js';

@Controller('audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @Access(['admin', 'instructor'])
  @ApiDoc({
    summary: 'Audit log of instructor and administrator actions (newest first)',
    description: 'Administrators see every entry; instructors see the entries of their own organisation.',
    tags: ['audit'],
    response: AuditPageSchema,
  })
  list(@Query({ schema: AuditQuerySchema }) query: AuditQuery, @CurrentUser() user: AuthenticatedUser): Promise<AuditPage> {
    return this.audit.list(query, user);
  }
}
