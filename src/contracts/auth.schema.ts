import { z } from 'zod';

export const ROLES = ['admin', 'instructor', 'trainee', 'reviewer'] as const;
export const RoleSchema = z.enum(ROLES).meta({
  description:
    'admin (users, units, settings), instructor (scenarios, exercises, live control), trainee (plays), reviewer (read-only results of the organisation).',
});
export type Role = z.infer<typeof RoleSchema>;
