import { Injectable } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { z } from 'zod';
import { ACCESS_POLICY_KEY, type AccessPolicy } from '../common/access.decorator.js';
import { ErrorBodySchema } from '../contracts/error-codes.js';
import { API_DOC_KEY, type ApiDocOptions } from './api-doc.decorator.js';

/** One HTTP route as the server really registered it, with its declared contract and policy. */
export interface RouteDescriptor {
  readonly method: string;
  /** OpenAPI-style path, e.g. /api/scenarios/{id}. */
  readonly path: string;
  readonly access: AccessPolicy | undefined;
  readonly doc: ApiDocOptions | undefined;
  readonly body: z.ZodType | undefined;
  readonly query: z.ZodType | undefined;
  readonly params: ReadonlyArray<{ name: string; schema: z.ZodType | undefined }>;
  readonly operationId: string;
}

const PARAMTYPE_BODY = 3;
const PARAMTYPE_QUERY = 4;
const PARAMTYPE_PARAM = 5;

interface RouteArgMetadata {
  readonly index: number;
  readonly data?: unknown;
  readonly schema?: unknown;
}

function joinPath(...parts: string[]): string {
  const joined =
    '/' +
    parts
      .flatMap((p) => p.split('/'))
      .filter((p) => p.length > 0)
      .join('/');
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function isZod(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

@Injectable()
export class RouteCatalogue {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Every route of every controller, read from Nest's own metadata so nothing can be forgotten. */
  routes(globalPrefix: string): RouteDescriptor[] {
    const routes: RouteDescriptor[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      const type = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!instance || !type) continue;
      const controllerPaths = ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined) ?? '');
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methodName] as (...args: unknown[]) => unknown;
        const routePath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (routePath === undefined) continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const access =
          this.reflector.get<AccessPolicy | undefined>(ACCESS_POLICY_KEY, handler) ?? this.reflector.get<AccessPolicy | undefined>(ACCESS_POLICY_KEY, type);
        const doc = this.reflector.get<ApiDocOptions | undefined>(API_DOC_KEY, handler);
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, methodName) ?? {}) as Record<string, RouteArgMetadata>;
        let body: z.ZodType | undefined;
        let query: z.ZodType | undefined;
        const params: Array<{ name: string; schema: z.ZodType | undefined }> = [];
        for (const [key, meta] of Object.entries(args)) {
          const paramtype = Number(key.split(':')[0]);
          const schema = isZod(meta.schema) ? meta.schema : undefined;
          if (paramtype === PARAMTYPE_BODY) body = schema;
          else if (paramtype === PARAMTYPE_QUERY) query = schema;
          else if (paramtype === PARAMTYPE_PARAM && typeof meta.data === 'string') params.push({ name: meta.data, schema });
        }
        for (const controllerPath of controllerPaths) {
          for (const path of ([] as string[]).concat(routePath)) {
            const fullPath = joinPath(globalPrefix, controllerPath, path);
            for (const name of fullPath.match(/\{([A-Za-z0-9_]+)\}/g) ?? []) {
              const bare = name.slice(1, -1);
              if (!params.some((p) => p.name === bare)) params.push({ name: bare, schema: undefined });
            }
            routes.push({
              method: RequestMethod[requestMethod].toLowerCase(),
              path: fullPath,
              access,
              doc,
              body,
              query,
              params,
              operationId: `${type.name.replace(/Controller$/, '')}_${methodName}`,
            });
          }
        }
      }
    }
    return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const result = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  delete result.$schema;
  return result;
}

/** A query schema with an id comes out as a `$ref` to its definition: its parameters are that definition's properties. */
function topLevelObject(schema: Record<string, unknown>): { properties?: Record<string, unknown>; required?: string[] } {
  const ref = typeof schema.$ref === 'string' ? /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1] : undefined;
  const definitions = schema.definitions as Record<string, Record<string, unknown>> | undefined;
  return (ref !== undefined && definitions?.[ref] !== undefined ? definitions[ref] : schema) as { properties?: Record<string, unknown>; required?: string[] };
}

function accessDescription(access: AccessPolicy | undefined): string {
  if (!access) return 'UNDECLARED';
  switch (access.kind) {
    case 'public':
      return 'public';
    case 'authenticated':
      return 'any signed-in user';
    case 'roles':
      return `roles: ${access.roles.join(', ')}`;
    default: {
      const never: never = access;
      return String(never);
    }
  }
}

/** OpenAPI 3.0 document built from the same zod contracts the server validates with. */
export function buildOpenApiDocument(routes: readonly RouteDescriptor[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = jsonSchema(ErrorBodySchema, 'output');
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.doc?.summary ?? route.operationId,
      tags: route.doc?.tags ? [...route.doc.tags] : [],
      'x-access': route.access ?? null,
      description: [route.doc?.description, `Access: ${accessDescription(route.access)}.`].filter(Boolean).join('\n\n'),
      ...(route.access && route.access.kind !== 'public' ? { security: [{ bearer: [] }] } : { security: [] }),
    };
    const parameters: unknown[] = route.params.map((p) => ({
      name: p.name,
      in: 'path',
      required: true,
      schema: p.schema ? jsonSchema(p.schema, 'input') : { type: 'string' },
    }));
    if (route.query) {
      const querySchema = topLevelObject(jsonSchema(route.query, 'input'));
      for (const [name, schema] of Object.entries(querySchema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: querySchema.required?.includes(name) ?? false, schema });
      }
    }
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
    } else if (route.doc?.requestBody) {
      const rb = route.doc.requestBody;
      operation.requestBody = {
        required: true,
        ...(rb.description ? { description: rb.description } : {}),
        content: { [rb.contentType]: { schema: rb.schema ? jsonSchema(rb.schema, 'input') : { type: 'string' } } },
      };
    }
    const status = String(route.doc?.responseStatus ?? (route.method === 'post' ? 201 : 200));
    operation.responses = {
      [status]: {
        description: 'Success',
        ...(route.doc?.response
          ? { content: { [route.doc.responseContentType ?? 'application/json']: { schema: jsonSchema(route.doc.response, 'output') } } }
          : {}),
      },
      default: {
        description: `Error with a stable code${route.doc?.errors ? ` (e.g. ${route.doc.errors.join(', ')})` : ''}`,
        content: { 'application/json': { schema: errorSchema } },
      },
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'SOC Drill API',
      version,
      description: 'REST API of SOC Drill. Errors are `{ "error": { "code", "message", "details" } }` with stable codes.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
