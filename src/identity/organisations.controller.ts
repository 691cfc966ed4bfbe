import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import {
  CreateOrganisationRequestSchema,
  CreateUnitRequestSchema,
  OrganisationViewSchema,
  OrgIdParamSchema,
  UnitViewSchema,
  type CreateOrganisationRequest,
  type CreateUnitRequest,
  type OrganisationView,
  type UnitView,
} from '../contracts/auth-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { IdentityService } from './identity.service.js';

@Controller('orgs')
@Access(['admin'])
export class OrganisationsController {
  constructor(@Inject(IdentityService) private readonly identity: IdentityService) {}

  @Get()
  @Access(['admin'])
  @ApiDoc({ summary: 'List organisations with their units', tags: ['organisations'], response: z.array(OrganisationViewSchema) })
  list(): Promise<OrganisationView[]> {
    return this.identity.listOrganisations();
  }

  @Post()
  @Access(['admin'])
  @ApiDoc({ summary: 'Create an organisation (audited)', tags: ['organisations'], response: OrganisationViewSchema, errors: ['CONFLICT'] })
  create(
    @Body({ schema: CreateOrganisationRequestSchema }) body: CreateOrganisationRequest,
    @CurrentUser() actor: AuthenticatedUser,
  ): Promise<OrganisationView> {
    return this.identity.createOrganisation(actor, body);
  }

  @Get(':orgId')
  @Access(['admin'])
  @ApiDoc({ summary: 'One organisation with its units', tags: ['organisations'], response: OrganisationViewSchema, errors: ['ORG_NOT_FOUND'] })
  get(@Param('orgId', { schema: OrgIdParamSchema }) orgId: string): Promise<OrganisationView> {
    return this.identity.organisation(orgId);
  }

  @Get(':orgId/units')
  @Access(['admin'])
  @ApiDoc({ summary: 'Units of an organisation', tags: ['organisations'], response: z.array(UnitViewSchema), errors: ['ORG_NOT_FOUND'] })
  async units(@Param('orgId', { schema: OrgIdParamSchema }) orgId: string): Promise<UnitView[]> {
    return (await this.identity.organisation(orgId)).units;
  }

  @Post(':orgId/units')
  @Access(['admin'])
  @ApiDoc({ summary: 'Create a unit in an organisation (audited)', tags: ['organisations'], response: UnitViewSchema, errors: ['ORG_NOT_FOUND', 'CONFLICT'] })
  createUnit(
    @Param('orgId', { schema: OrgIdParamSchema }) orgId: string,
    @Body({ schema: CreateUnitRequestSchema }) body: CreateUnitRequest,
    @CurrentUser() actor: AuthenticatedUser,
  ): Promise<UnitView> {
    return this.identity.createUnit(actor, orgId, body);
  }
}
