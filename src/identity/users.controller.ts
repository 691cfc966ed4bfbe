import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import {
  CreateUserRequestSchema,
  ResetPasswordRequestSchema,
  SetRolesRequestSchema,
  UserIdParamSchema,
  UserListQuerySchema,
  UserPageSchema,
  UserViewSchema,
  type CreateUserRequest,
  type ResetPasswordRequest,
  type SetRolesRequest,
  type UserListQuery,
  type UserPage,
  type UserView,
} from '../contracts/auth-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { IdentityService } from './identity.service.js';

@Controller('users')
@Access(['admin'])
export class UsersController {
  constructor(@Inject(IdentityService) private readonly identity: IdentityService) {}

  @Get()
  @Access(['admin', 'instructor'])
  @ApiDoc({
    summary: 'List users (paged, filterable by organisation, unit, role)',
    description: 'Instructors see the users of their own organisation only (to build exercise teams); admins see everyone.',
    tags: ['users'],
    response: UserPageSchema,
  })
  list(@Query({ schema: UserListQuerySchema }) query: UserListQuery, @CurrentUser() user: AuthenticatedUser): Promise<UserPage> {
    // Instructors build teams from their own province's people; they never browse other organisations.
    return this.identity.listUsers(user.roles.includes('admin') ? query : { ...query, orgId: user.orgId });
  }

  @Post()
  @Access(['admin'])
  @ApiDoc({ summary: 'Create a user in a unit, with roles (audited)', tags: ['users'], response: UserViewSchema, errors: ['USERNAME_TAKEN', 'UNIT_NOT_FOUND'] })
  create(@Body({ schema: CreateUserRequestSchema }) body: CreateUserRequest, @CurrentUser() actor: AuthenticatedUser): Promise<UserView> {
    return this.identity.createUser(actor, body);
  }

  @Get(':userId')
  @Access(['admin'])
  @ApiDoc({ summary: 'One user', tags: ['users'], response: UserViewSchema, errors: ['USER_NOT_FOUND'] })
  get(@Param('userId', { schema: UserIdParamSchema }) userId: string): Promise<UserView> {
    return this.identity.view(userId);
  }

  @Put(':userId/roles')
  @Access(['admin'])
  @ApiDoc({
    summary: 'Replace the roles of a user (audited)',
    description: "The user's existing access tokens stop working (AUTH_TOKEN_REVOKED); a refresh yields a token with the new roles.",
    tags: ['users'],
    response: UserViewSchema,
    errors: ['USER_NOT_FOUND', 'CONFLICT'],
  })
  setRoles(
    @Param('userId', { schema: UserIdParamSchema }) userId: string,
    @Body({ schema: SetRolesRequestSchema }) body: SetRolesRequest,
    @CurrentUser() actor: AuthenticatedUser,
  ): Promise<UserView> {
    return this.identity.setRoles(actor, userId, body.roles);
  }

  @Post(':userId/disable')
  @HttpCode(200)
  @Access(['admin'])
  @ApiDoc({
    summary: 'Disable a user: ends all sessions and tokens (audited)',
    tags: ['users'],
    response: UserViewSchema,
    responseStatus: 200,
    errors: ['USER_NOT_FOUND', 'CONFLICT'],
  })
  disable(@Param('userId', { schema: UserIdParamSchema }) userId: string, @CurrentUser() actor: AuthenticatedUser): Promise<UserView> {
    return this.identity.setDisabled(actor, userId, true);
  }

  @Post(':userId/enable')
  @HttpCode(200)
  @Access(['admin'])
  @ApiDoc({ summary: 'Enable a disabled user (audited)', tags: ['users'], response: UserViewSchema, responseStatus: 200, errors: ['USER_NOT_FOUND'] })
  enable(@Param('userId', { schema: UserIdParamSchema }) userId: string, @CurrentUser() actor: AuthenticatedUser): Promise<UserView> {
    return this.identity.setDisabled(actor, userId, false);
  }

  @Post(':userId/password')
  @HttpCode(200)
  @Access(['admin'])
  @ApiDoc({
    summary: "Set a user's password (e.g. forgotten); ends all of the user's sessions (audited)",
    tags: ['users'],
    response: UserViewSchema,
    responseStatus: 200,
    errors: ['USER_NOT_FOUND'],
  })
  resetPassword(
    @Param('userId', { schema: UserIdParamSchema }) userId: string,
    @Body({ schema: ResetPasswordRequestSchema }) body: ResetPasswordRequest,
    @CurrentUser() actor: AuthenticatedUser,
  ): Promise<UserView> {
    return this.identity.resetPassword(actor, userId, body.newPassword);
  }
}
