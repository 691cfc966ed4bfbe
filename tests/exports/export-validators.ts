import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Validators over the shared schema material in tests/fixtures/exports (see its README): the OASIS
 * STIX 2.1 JSON schemas, the OCSF Detection Finding source schema and the ECS field list.
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'exports');
const STIX_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

type Json = Record<string, unknown>;

function readJson(...path: string[]): Json {
  return JSON.parse(readFileSync(join(FIXTURES, ...path), 'utf8')) as Json;
}

function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Json)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  return out;
}

/**
 * Stand-ins, from the STIX 2.1 specification text, for the schema files the shared folder does not
 * hold: identifiers (§2.9) and timestamps (§3.2) exactly; every other object type by its `type` and
 * `id` (and, for domain objects, the real core.json), so the bundle's oneOf still picks one schema.
 */
function standIn(url: string): Json {
  const path = url.slice(STIX_BASE.length);
  const name = path
    .split('/')
    .pop()!
    .replace(/\.json$/, '');
  if (path === 'common/identifier.json')
    return { type: 'string', pattern: '^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$' };
  if (path === 'common/timestamp.json') return { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' };
  if (path.startsWith('sdos/') || path.startsWith('sros/'))
    return { type: 'object', allOf: [{ $ref: '../common/core.json' }], properties: { type: { const: name } }, required: ['type', 'id'] };
  if (path.startsWith('observables/'))
    return {
      type: 'object',
      properties: { type: { const: name }, id: { $ref: '../common/identifier.json' }, spec_version: { const: '2.1' } },
      required: ['type', 'id'],
    };
  if (path === 'common/marking-definition.json')
    return {
      type: 'object',
      properties: { type: { const: 'marking-definition' }, id: { $ref: 'identifier.json' }, created: { $ref: 'timestamp.json' } },
      required: ['type', 'id', 'created'],
    };
  if (path === 'common/language-content.json') return { type: 'object', properties: { type: { const: 'language-content' } }, required: ['type'] };
  return {};
}

export interface StixValidators {
  readonly bundle: ValidateFunction;
  readonly core: ValidateFunction;
  readonly indicator: ValidateFunction;
  readonly sighting: ValidateFunction;
  /** Which referenced schema files were stood in for (for the test's own sanity check). */
  readonly standIns: readonly string[];
}

export function stixValidators(): StixValidators {
  // The OASIS patterns escape '-' (\-), which a unicode RegExp refuses.
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  const real = ['bundle.json', 'core.json', 'indicator.json', 'sighting.json'].map((f) => readJson('stix2.1', f));
  const known = new Set(real.map((s) => s.$id as string));
  const missing = new Set<string>();
  for (const schema of real) for (const ref of refsOf(schema)) missing.add(new URL(ref, schema.$id as string).href);
  const standIns: string[] = [];
  for (const url of missing) {
    if (known.has(url)) continue;
    standIns.push(url.slice(STIX_BASE.length));
    ajv.addSchema({ $id: url, ...standIn(url) });
  }
  for (const schema of real) ajv.addSchema(schema);
  const get = (file: string) => ajv.getSchema(`${STIX_BASE}${file}`)!;
  return {
    bundle: get('common/bundle.json'),
    core: get('common/core.json'),
    indicator: get('sdos/indicator.json'),
    sighting: get('sros/sighting.json'),
    standIns,
  };
}

/** A plain boolean (ajv's type guard would narrow the object to never on failure). */
const passes = (validate: (data: unknown) => boolean, data: unknown): boolean => validate(data);

const SCO_TYPES = new Set([
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'file',
  'directory',
  'user-account',
  'process',
  'email-addr',
  'windows-registry-key',
]);

/**
 * Every failure of a bundle against the OASIS schemas (the bundle, indicator and sighting schemas,
 * core.json for every domain and relationship object), duplicate ids, and references that point
 * outside the bundle.
 */
export function stixBundleProblems(bundle: { objects: ReadonlyArray<Record<string, unknown>> }, validators = stixValidators()): string[] {
  const out: string[] = [];
  const explain = (what: string, errors: ValidateFunction['errors']) =>
    out.push(`${what}: ${(errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
  if (!passes(validators.bundle, bundle)) explain('bundle', validators.bundle.errors);
  const ids = new Set<string>();
  for (const object of bundle.objects) {
    const id = String(object.id);
    if (ids.has(id)) out.push(`duplicate id ${id}`);
    ids.add(id);
    if (object.type === 'indicator' && !passes(validators.indicator, object)) explain(id, validators.indicator.errors);
    if (object.type === 'sighting' && !passes(validators.sighting, object)) explain(id, validators.sighting.errors);
    if (object.type !== 'marking-definition' && !SCO_TYPES.has(String(object.type)) && !passes(validators.core, object)) explain(id, validators.core.errors);
  }
  const refs = (o: Record<string, unknown>): string[] =>
    Object.entries(o).flatMap(([k, v]) => (k.endsWith('_ref') && typeof v === 'string' ? [v] : k.endsWith('_refs') && Array.isArray(v) ? (v as string[]) : []));
  for (const object of bundle.objects) for (const ref of refs(object)) if (!ids.has(ref)) out.push(`${String(object.id)} refers to ${ref}, not in the bundle`);
  return out;
}

// ---- OCSF ----

interface OcsfAttribute {
  readonly requirement?: string;
  readonly enum?: Record<string, unknown>;
}

/** The attributes of the Detection Finding class, merged down its chain base_event → finding → detection_finding. */
export function ocsfDetectionFindingAttributes(): Map<string, OcsfAttribute> {
  const merged = new Map<string, OcsfAttribute>();
  for (const file of ['base_event.json', 'finding.json', 'detection_finding.json']) {
    const attributes = readJson('ocsf', file).attributes as Record<string, unknown>;
    for (const [name, spec] of Object.entries(attributes)) {
      if (name.startsWith('$') || spec === null || typeof spec !== 'object') continue;
      merged.set(name, { ...(merged.get(name) ?? {}), ...(spec as OcsfAttribute) });
    }
  }
  return merged;
}

export function ocsfFindingInfoAttributes(): Map<string, OcsfAttribute> {
  const attributes = readJson('ocsf', 'finding_info.json').attributes as Record<string, OcsfAttribute>;
  return new Map(Object.entries(attributes));
}

export function ocsfDetectionFindingUid(): { classUid: number; categoryUid: number } {
  const cls = readJson('ocsf', 'detection_finding.json');
  const category = readJson('ocsf', 'finding.json').category as string;
  const categoryUid = (readJson('ocsf', 'categories.json').attributes as Record<string, { uid: number }>)[category]!.uid;
  // The source schema numbers a class within its category: the class uid is category uid × 1000 + class uid.
  return { classUid: categoryUid * 1000 + (cls.uid as number), categoryUid };
}

/** Computed per class (the base event's enums list only 0, Unknown): checked against ocsfDetectionFindingUid instead. */
const PER_CLASS = new Set(['class_uid', 'category_uid', 'type_uid']);

export function ocsfVersion(): string {
  return readJson('ocsf', 'version.json').version as string;
}

/** What a finding breaks of the class's rules: missing required attributes, unknown ones, values outside an enum. */
export function ocsfProblems(finding: Record<string, unknown>): string[] {
  const attributes = ocsfDetectionFindingAttributes();
  const problems: string[] = [];
  for (const [name, spec] of attributes) if (spec.requirement === 'required' && !(name in finding)) problems.push(`missing required ${name}`);
  for (const [name, value] of Object.entries(finding)) {
    const spec = attributes.get(name);
    if (!spec) problems.push(`unknown attribute ${name}`);
    else if (spec.enum && !PER_CLASS.has(name) && typeof value === 'number' && !(String(value) in spec.enum) && value !== 99 && value !== 0)
      problems.push(`${name}=${value} outside its enum`);
  }
  const info = finding.finding_info as Record<string, unknown> | undefined;
  if (info) {
    const infoAttributes = ocsfFindingInfoAttributes();
    for (const [name, spec] of infoAttributes) if (spec.requirement === 'required' && !(name in info)) problems.push(`finding_info: missing required ${name}`);
    for (const name of Object.keys(info)) if (!infoAttributes.has(name)) problems.push(`finding_info: unknown attribute ${name}`);
  }
  return problems;
}

// ---- ECS ----

export function ecsFields(): Map<string, string> {
  const lines = readFileSync(join(FIXTURES, 'ecs', 'fields.csv'), 'utf8')
    .split('\n')
    .slice(1);
  const fields = new Map<string, string>();
  for (const line of lines) {
    const cells = line.split(',');
    if (cells.length > 4) fields.set(cells[3]!, cells[4]!);
  }
  return fields;
}

export function ecsVersion(): string {
  return readFileSync(join(FIXTURES, 'ecs', 'version'), 'utf8').trim();
}

/** Leaf paths of a document, dotted (arrays of scalars are one leaf). */
function leaves(value: unknown, prefix = ''): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return Object.entries(value as Json).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
  return [[prefix, value]];
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * What an ECS document breaks: a field outside ECS (except in `labels.*`, a keyword map, and the
 * custom `soc_drill.*` namespace), or a value that does not fit the field's type.
 */
export function ecsProblems(doc: Record<string, unknown>, fields = ecsFields()): string[] {
  const problems: string[] = [];
  for (const [path, value] of leaves(doc)) {
    if (path.startsWith('soc_drill.')) continue;
    if (path.startsWith('labels.')) {
      if (typeof value !== 'string') problems.push(`${path}: labels are keywords`);
      continue;
    }
    const type = fields.get(path);
    if (type === undefined) {
      problems.push(`${path}: not an ECS field`);
      continue;
    }
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    for (const v of values) {
      const ok =
        type === 'date'
          ? typeof v === 'string' && ISO_WITH_OFFSET.test(v) && !Number.isNaN(Date.parse(v))
          : type === 'long' || type === 'integer' || type === 'short' || type === 'byte'
            ? Number.isInteger(v)
            : type === 'ip'
              ? typeof v === 'string' && /^[0-9a-fA-F:.]+$/.test(v)
              : type === 'boolean'
                ? typeof v === 'boolean'
                : typeof v === 'string';
      if (!ok) problems.push(`${path}: ${JSON.stringify(v)} is not a valid ${type}`);
    }
  }
  return problems;
}
