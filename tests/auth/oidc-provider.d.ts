/** The little of oidc-provider (which ships no types) that the SSO test's provider uses. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface ProviderAccount {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  interface ProviderConfiguration {
    clients: Array<Record<string, unknown>>;
    findAccount(ctx: unknown, sub: string): Promise<ProviderAccount | undefined>;
    claims: Record<string, string[]>;
    scopes: string[];
    pkce: { required: () => boolean };
    features: Record<string, { enabled: boolean }>;
    cookies: { keys: string[] };
  }

  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
