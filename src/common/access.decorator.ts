import { SetMetadata } from '@nestjs/common';
import type { Role } from '../contracts/auth.schema.js';

/**
 * Who may call a route or socket event. Every handler must declare one: the guard denies
 * anything without a policy, and the access-matrix test fails on an undeclared route.
 * Finer checks (team membership, organisation) happen in the services.
 */
export type AccessPolicy = { readonly kind: 'public' } | { readonly kind: 'authenticated' } | { readonly kind: 'roles'; readonly roles: readonly Role[] };

export const ACCESS_POLICY_KEY = 'soc-drill:access';

export function Access(policy: 'public' | 'authenticated' | readonly Role[]): MethodDecorator & ClassDecorator {
  const value: AccessPolicy =
    policy === 'public' ? { kind: 'public' } : policy === 'authenticated' ? { kind: 'authenticated' } : { kind: 'roles', roles: [...policy] };
  return SetMetadata(ACCESS_POLICY_KEY, value);
}

export const ALLOW_PENDING_PASSWORD_CHANGE_KEY = 'soc-drill:allow-pending-password-change';

/**
 * The few routes a user whose password an administrator set may use before choosing their own:
 * read themselves, change the password, log out. Every other route answers AUTH_PASSWORD_CHANGE_REQUIRED.
 */
export function AllowPendingPasswordChange(): MethodDecorator {
  return SetMetadata(ALLOW_PENDING_PASSWORD_CHANGE_KEY, true);
}
