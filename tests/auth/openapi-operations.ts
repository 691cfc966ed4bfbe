import type { AccessPolicy } from '../../src/common/access.decorator.js';

/** One operation of the live OpenAPI document, as the access-matrix and fuzz tests enumerate them. */
export interface OperationInfo {
  readonly method: string;
  /** OpenAPI path, e.g. /api/users/{userId}/roles. */
  readonly path: string;
  readonly operationId: string;
  /** Null when the route declared no policy (a bug the access matrix reports). */
  readonly access: AccessPolicy | null;
  readonly pathParams: ReadonlyArray<{ name: string; schema: Record<string, unknown> }>;
  readonly queryParams: ReadonlyArray<{ name: string; schema: Record<string, unknown> }>;
  readonly requestContentTypes: readonly string[];
}

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: Record<string, unknown>;
}

interface OpenApiOperation {
  operationId?: string;
  'x-access'?: AccessPolicy | null;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, unknown> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export async function fetchOperations(baseUrl: string): Promise<OperationInfo[]> {
  const response = await fetch(`${baseUrl}/api/docs-json`);
  if (response.status !== 200) throw new Error(`/api/docs-json answered ${response.status}`);
  const document = (await response.json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
  const operations: OperationInfo[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId ?? `${method} ${path}`,
        access: operation['x-access'] ?? null,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        requestContentTypes: Object.keys(operation.requestBody?.content ?? {}),
      });
    }
  }
  return operations;
}

/** A value the route will match; validation may still refuse it, which is fine for access checks. */
export function dummyPathValue(schema: Record<string, unknown>): string {
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  return 'matrix-probe';
}

export function fillPath(operation: OperationInfo, value: (name: string, schema: Record<string, unknown>) => string): string {
  let path = operation.path;
  for (const param of operation.pathParams) path = path.replace(`{${param.name}}`, encodeURIComponent(value(param.name, param.schema)));
  return path;
}
