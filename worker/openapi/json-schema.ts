/**
 * Zod to JSON Schema, the one way the document does it. OpenAPI 3.1 Schema
 * Objects are JSON Schema draft 2020-12 (zod's default target), and a request
 * is described as the client sends it (`io: 'input'`): a member with a default
 * is optional and shows its default, a transform shows what it accepts.
 */
import * as z from 'zod';
import type { ZodType } from 'zod';
import { Action, ActionShape } from '../routes/schemas';
import { OfflineDisplay } from '../routes/offline-schemas';

export type JsonSchema = Record<string, unknown>;

/** The dialect every Schema Object in the document is written in. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The schema and those it was refined from (zod converts each; they share one JSON Schema). */
function lineage(schema: z.core.$ZodType): Set<z.core.$ZodType> {
  const all = new Set<z.core.$ZodType>();
  for (let at: z.core.$ZodType | undefined = schema; at; at = at._zod.parent) all.add(at);
  return all;
}

/**
 * The route keeps the action exactly as sent (a custom check, never a rebuilt
 * object), which JSON Schema cannot name; what that check accepts is ActionShape.
 */
const unrepresentable: z.core.UnrepresentableHandler = ({ zodSchema }) => {
  if (lineage(Action).has(zodSchema))
    return toJsonSchema(ActionShape) as z.core.JSONSchema.BaseSchema;
  // An offline proof's display, likewise kept as sent: any JSON object.
  if (lineage(OfflineDisplay).has(zodSchema)) return { type: 'object' };
  return 'throw';
};

export const JSON_SCHEMA_OPTIONS = {
  target: 'draft-2020-12',
  io: 'input',
  unrepresentable,
} as const satisfies z.core.ToJSONSchemaParams;

/** Where a named schema lives in the document. */
export const componentRef = (name: string): string => `#/components/schemas/${name}`;

/** Without `$schema` (the document names its dialect once, `jsonSchemaDialect`) and zod's fragment-only `$id`. */
function bare(json: unknown): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = json as JsonSchema;
  return rest;
}

/** One schema, whole: how a request body is written, so it equals `z.toJSONSchema` of the route's own schema. */
export function toJsonSchema(schema: ZodType): JsonSchema {
  return bare(z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS));
}

/** Several named schemas at once; where one holds another, it refers to it in components. */
export function toJsonSchemas(named: Record<string, ZodType>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { ...JSON_SCHEMA_OPTIONS, uri: componentRef });
  return Object.fromEntries(Object.entries(schemas).map(([id, json]) => [id, bare(json)]));
}
