import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { IdentitySeeder } from './identity-seeder.js';
import { IdentityService } from './identity.service.js';
import { OrganisationEntity } from './organisation.entity.js';
import { OrganisationsController } from './organisations.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionRevocations } from './session-revocations.js';
import { UnitEntity } from './unit.entity.js';
import { UserRoleEntity } from './user-role.entity.js';
import { UserSsoLinkEntity } from './user-sso-link.entity.js';
import { UserEntity } from './user.entity.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([OrganisationEntity, UnitEntity, UserEntity, UserRoleEntity, UserSsoLinkEntity])],
  controllers: [UsersController, OrganisationsController],
  providers: [
    { provide: PasswordHasher, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new PasswordHasher(config.PASSWORD_SCRYPT_LOG2N) },
    IdentityService,
    IdentitySeeder,
    SessionRevocations,
  ],
  exports: [IdentityService, PasswordHasher, SessionRevocations, TypeOrmModule],
})
export class IdentityModule {}
