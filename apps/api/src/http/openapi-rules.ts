import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { SINGLE_LINE_PATTERN } from './input-rules';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const isRef = (o: unknown): o is ReferenceObject => typeof o === 'object' && o !== null && '$ref' in o;

/**
 * What holds for every operation, written into the document once instead of on each route:
 *  - every error response is `application/problem+json`, the type the filter sends;
 *  - every operation may answer 400: the JSON body parser runs before any route (MALFORMED_JSON);
 *  - every request string without a pattern of its own refuses C0 control characters, and a
 *    request object any field it does not list, as the validation pipe does (input-rules.ts);
 *  - a nullable enum lists `null` among its values;
 *  - a nullable object reference in a response is `oneOf: [$ref]`: beside `allOf` (what Nest
 *    writes) generators and validators ignore `nullable`, and the Python SDK refused a null `promotion`.
 */
export function applyDocumentRules(document: OpenAPIObject, rawBodyPaths: string[]): OpenAPIObject {
  const requestSchemas = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      problemResponses(operation);
      // A body read raw (a signed webhook) is the sender's document, parsed by its own rules.
      if (rawBodyPaths.some((prefix) => path.startsWith(prefix))) continue;
      const body = operation.requestBody;
      if (body && !isRef(body)) for (const media of Object.values(body.content)) collectRefs(media.schema, requestSchemas);
      for (const parameter of operation.parameters ?? []) {
        if (!isRef(parameter) && (parameter as ParameterObject).in === 'query') restrictStrings((parameter as ParameterObject).schema);
      }
    }
  }
  // Schemas reached from request bodies, including nested ones (a credential inside git settings).
  const pending = [...requestSchemas];
  while (pending.length) {
    const schema = document.components?.schemas?.[pending.pop()!];
    if (!schema || isRef(schema)) continue;
    schema.additionalProperties = false;
    for (const property of Object.values(schema.properties ?? {})) {
      const found = new Set<string>();
      collectRefs(property, found);
      for (const name of found) if (!requestSchemas.has(name)) (requestSchemas.add(name), pending.push(name));
      restrictStrings(property);
    }
  }
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if (isRef(schema)) continue;
    for (const property of Object.values(schema.properties ?? {})) {
      nullableEnum(property);
      // Requests keep `type: object` with `allOf`: their fields are typed and closed (api-input e2e).
      if (!requestSchemas.has(name)) nullableReference(property);
    }
  }
  return document;
}

/** In OpenAPI 3.0 a nullable enum takes `null` only if its values list it. */
function nullableEnum(schema: SchemaObject | ReferenceObject): void {
  if (!isRef(schema) && schema.nullable && schema.enum && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
}

function nullableReference(schema: SchemaObject | ReferenceObject): void {
  if (isRef(schema) || !schema.nullable || schema.allOf?.length !== 1) return;
  schema.oneOf = schema.allOf;
  delete schema.allOf;
  delete schema.type;
}

function problemResponses(operation: OperationObject): void {
  const responses = operation.responses;
  for (const [status, response] of Object.entries(responses)) {
    if (!response || Number(status) < 400 || isRef(response) || !response.content?.['application/json']) continue;
    const { ['application/json']: media, ...others } = response.content;
    response.content = { ...others, [PROBLEM_CONTENT_TYPE]: media };
  }
  if (!responses['400']) {
    responses['400'] = {
      description: 'Malformed request: the body is not JSON (MALFORMED_JSON), or nests deeper than 32 levels',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetailsDto' } } },
    };
  }
}

function collectRefs(schema: SchemaObject | ReferenceObject | undefined, into: Set<string>): void {
  if (!schema) return;
  if (isRef(schema)) {
    into.add(schema.$ref.replace('#/components/schemas/', ''));
    return;
  }
  for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) collectRefs(part, into);
  if (schema.items) collectRefs(schema.items, into);
}

function restrictStrings(schema: SchemaObject | ReferenceObject | undefined): void {
  if (!schema || isRef(schema)) return;
  if (schema.type === 'array') return restrictStrings(schema.items);
  if (schema.type === 'string' && schema.pattern === undefined && schema.enum === undefined && schema.format === undefined) {
    schema.pattern = SINGLE_LINE_PATTERN;
  }
}
