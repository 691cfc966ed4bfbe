import { scenarioJsonSchema } from './scenario-json-schema.js';

type JsonSchema = { readonly [key: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every property of every object in the schema, with a path, and whether an editor has a text to
 * show for it: a description on the property, or on the definition its $ref points to.
 */
function undescribedProperties(root: JsonSchema): string[] {
  const defs = isSchema(root.$defs) ? root.$defs : {};
  const resolve = (node: JsonSchema): JsonSchema | undefined => {
    const ref = node.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return undefined;
    const target = defs[ref.slice('#/$defs/'.length)];
    return isSchema(target) ? target : undefined;
  };
  const missing: string[] = [];
  const visited = new Set<JsonSchema>();
  const walk = (node: JsonSchema, path: string): void => {
    if (visited.has(node)) return;
    visited.add(node);
    if (isSchema(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        if (!isSchema(child)) continue;
        const described = typeof child.description === 'string' || typeof resolve(child)?.description === 'string';
        if (!described) missing.push(`${path}.${name}`);
        walk(child, `${path}.${name}`);
      }
    }
    for (const key of ['items', 'additionalProperties', 'not'] as const) {
      const child = node[key];
      if (isSchema(child)) walk(child, `${path}[]`);
    }
    for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
      const list = node[key];
      if (Array.isArray(list)) for (const child of list) if (isSchema(child)) walk(child, path);
    }
    const target = resolve(node);
    if (target) walk(target, path);
  };
  walk(root, '$');
  for (const [name, def] of Object.entries(defs)) if (isSchema(def)) walk(def, `$defs.${name}`);
  return missing;
}

describe('scenario JSON Schema descriptions', () => {
  it('describes every property, so editors explain each field of a scenario', () => {
    expect(undescribedProperties(scenarioJsonSchema())).toEqual([]);
  });

  it('finds a property without a description, in nested objects, arrays, unions and definitions', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        a: { type: 'string', description: 'described' },
        b: { type: 'array', description: 'list', items: { type: 'object', properties: { c: { type: 'number' } } } },
        d: { anyOf: [{ type: 'object', properties: { e: { type: 'string' } } }] },
        f: { $ref: '#/$defs/F' },
        g: { $ref: '#/$defs/G' },
      },
      $defs: { F: { type: 'string', description: 'from the definition' }, G: { type: 'object', properties: { h: { type: 'string' } } } },
    };
    expect(undescribedProperties(schema).sort()).toEqual(['$.b[].c', '$.d', '$.d.e', '$.g', '$.g.h']);
  });
});
