import { z } from "zod";
import type { Route } from "./route.ts";
import { ErrorBody, NAMED_SCHEMAS } from "./schemas.ts";

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)\*?/g, "{$1}");
const pathParams = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)\*?/g)].map((m) => m[1] as string);

const ERROR_RESPONSES: Readonly<Record<number, string>> = {
  400: "Invalid input (INVALID_JSON, INVALID_BODY, or a usage error)",
  401: "Missing or wrong token (UNAUTHORIZED), or a token in the query (TOKEN_IN_QUERY)",
  413: "Body over the limit (BODY_TOO_LARGE)",
};

/**
 * OpenAPI 3.1 from the route table itself (zod -> JSON Schema 2020-12, which 3.1 uses
 * as is): a route cannot exist without its entry here.
 */
export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const ref = (schema: z.ZodType, fallbackId: string) => {
    const id = (z.globalRegistry.get(schema)?.id as string | undefined) ?? fallbackId;
    if (!registry.has(schema)) registry.add(schema, { id });
    return { $ref: `#/components/schemas/${id}` };
  };
  for (const schema of NAMED_SCHEMAS) ref(schema, "unnamed");
  const errorRef = ref(ErrorBody, "Error");
  const paths: Record<string, Record<string, unknown>> = {};

  for (const route of routes) {
    const parameters: unknown[] = pathParams(route.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
    if (route.query) {
      const shape = z.toJSONSchema(route.query, { io: "input" }) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(shape.properties ?? {})) {
        parameters.push({ name, in: "query", required: shape.required?.includes(name) ?? false, schema });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const contentType = spec.contentType ?? "application/json";
      responses[status] = spec.schema
        ? { description: spec.description, content: { [contentType]: { schema: ref(spec.schema, `${route.operationId}_${status}`) } } }
        : { description: spec.description };
    }
    const errors = route.public ? {} : { ...ERROR_RESPONSES };
    if (!route.body && !route.rawBody) delete errors[413];
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= { description, content: { "application/json": { schema: errorRef } } };
    }
    responses.default = { description: "Error (404 unknown session or route, 409 conflict, 503 host unavailable, 500)", content: { "application/json": { schema: errorRef } } };

    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.public ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: ref(route.body, `${route.operationId}_body`) } } } } : {}),
      ...(route.rawBody ? { requestBody: { required: true, description: route.rawBody.description, content: { [route.rawBody.contentType]: { schema: { type: "string", format: "binary" } } } } } : {}),
      ...(route.websocket
        ? { description: "WebSocket upgrade. Auth: the Authorization header, or subprotocols `remote.v1, bearer.<token>`. Every binary message is one host-protocol frame (src/domain/host-protocol.ts)." }
        : {}),
      responses,
    };
    (paths[toOpenApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  }

  const { schemas } = z.toJSONSchema(registry, { io: "input", uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  for (const schema of Object.values(schemas)) delete schema.$schema;
  return {
    openapi: "3.1.0",
    info: { title: "remote control plane", version, description: "Sessions of AI coding-agent CLIs and shells: create, list, attach (WebSocket), stop." },
    security: [{ bearer: [] }],
    paths,
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas },
  };
}
