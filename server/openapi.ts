/**
 * The API as OpenAPI 3.1 (`GET /api/v1/openapi.json`). server/openapi.test.ts checks that it
 * names exactly the routes server.ts serves, with the same methods. Bodies are described by
 * the fields server.ts accepts (anything else is a 400); replies loosely (see docs/api.md).
 */

const error = { $ref: '#/components/responses/Error' };
const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const body = (properties: Record<string, unknown>, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties, ...(required.length ? { required } : {}) } } },
});
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

/** Operations by path and method; the paths use {name} for parameters. */
export const OPERATIONS: Record<string, Record<string, Record<string, unknown>>> = {
  '/api/v1/session': {
    post: { summary: 'Exchange a one-time login code (or the token) for a session cookie', security: [], requestBody: body({ code: { type: 'string', example: 'ABCD-EFGH' }, token: { type: 'string' } }), responses: { 200: json('Logged in; Set-Cookie: claude_session (HttpOnly, SameSite=Strict)'), 401: error, 429: error } },
    get: { summary: 'Who is logged in, and until when', responses: { 200: json('The session'), 401: error } },
  },
  '/api/v1/logout': { post: { summary: 'End the cookie session', responses: { 200: json('Logged out; the cookie is cleared') } } },
  '/api/v1/login-codes': { post: { summary: 'Make a one-time login code for another browser', responses: { 200: json('{code, expiresAt}') } } },
  '/api/v1/status': { get: { summary: 'Banner, services, alerts, anomalies, host resources; the reconciler pending plan and the failure its passes keep meeting (or null)', responses: { 200: json('The observed status'), 401: error } } },
  '/api/v1/conversation': {
    post: { summary: 'Say what you want: the explanation and a saved, signed plan (never applied here)', requestBody: body({ message: { type: 'string', maxLength: 4000 }, conversationId: { type: 'string' } }, ['message']), responses: { 200: json('The reply, with plan (and plan.review)'), 400: error, 404: error, 502: error, 503: error } },
  },
  '/api/v1/conversations': { get: { summary: 'Past conversations, newest first', responses: { 200: json('{conversations}') } } },
  '/api/v1/conversations/{id}': { get: { summary: 'The turns of a conversation', parameters: [idParam('id', 'conversation id')], responses: { 200: json('{conversationId, turns, pendingPlan}'), 404: error } } },
  '/api/v1/plans': { get: { summary: 'Saved plans, newest first', responses: { 200: json('{plans}') } } },
  '/api/v1/plans/{id}': { get: { summary: 'A plan: review, steps, risks, approval needed, progress', parameters: [idParam('id', 'plan id (plan-<hex>)')], responses: { 200: json('The plan view'), 404: error } } },
  '/api/v1/plans/{id}/apply': {
    post: {
      summary: 'Apply an approved plan',
      parameters: [idParam('id', 'plan id')],
      requestBody: body({ approve: { type: 'boolean', const: true }, confirmSecurity: { type: 'boolean' } }),
      responses: { 200: json('The apply result'), 400: error, 403: error, 409: error, 410: error, 500: error, 503: error },
    },
  },
  '/api/v1/plans/{id}/cancel': { post: { summary: 'Cancel a proposed plan: it can no longer be applied', parameters: [idParam('id', 'plan id')], responses: { 200: json('{id, status: cancelled}'), 404: error, 409: error } } },
  '/api/v1/rollback': { post: { summary: 'Plan a rollback to a commit (never applied here)', requestBody: body({ commit: { type: 'string' } }, ['commit']), responses: { 200: json('{to, plan}'), 404: error, 409: error, 422: error } } },
  '/api/v1/history': { get: { summary: "The state repository's commits", parameters: [query('limit', '1-1000, default 50', { type: 'integer', minimum: 1, maximum: 1000 })], responses: { 200: json('{stateDir, commits}'), 400: error } } },
  '/api/v1/events': { get: { summary: 'Container and apply events', parameters: [query('since', 'a duration (2h) or a time')], responses: { 200: json('{events, errors}'), 400: error } } },
  '/api/v1/metrics': { get: { summary: 'CPU, memory and network (bytes/s received and sent) per service, CPU and memory for the host, from the metric rings', parameters: [query('range', '1h or 24h', { enum: ['1h', '24h'] })], responses: { 200: json('{range, step, source, host, services}'), 400: error } } },
  '/api/v1/services/{name}/logs': { get: { summary: 'The newest log lines of a service', parameters: [idParam('name', 'service name'), query('lines', '1-1000, default 200', { type: 'integer' }), query('since', 'only lines after this time (live tail)')], responses: { 200: json('{service, container, lines}'), 404: error } } },
  '/api/v1/services/{name}/actions': { post: { summary: 'Restart, stop or start a service: a saved plan, applied like any other', parameters: [idParam('name', 'service name')], requestBody: body({ action: { enum: ['restart', 'stop', 'start'] } }, ['action']), responses: { 200: json('{plan}'), 404: error, 409: error, 422: error } } },
  '/api/v1/notifications': { get: { summary: 'Notifications: reconciler, anomalies, jobs', parameters: [query('since', 'a duration or a time'), query('limit', 'how many', { type: 'integer' })], responses: { 200: json('{notifications}') } } },
  '/api/v1/pending': { get: { summary: "The reconciler's plan waiting for approval, or null", responses: { 200: json('The pending plan or null') } } },
  '/api/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: json('OpenAPI 3.1') } } },
};

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Claude.OS API', version, description: 'Plans changes from requests and applies only approved plans. See docs/api.md.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token in $CLAUDE_DATA_DIR/api-token' },
        session: { type: 'apiKey', in: 'cookie', name: 'claude_session', description: 'From POST /api/v1/session with a login code' },
      },
      responses: {
        Error: json('What is wrong and how to fix it', { type: 'object', required: ['error', 'hint'], properties: { error: { type: 'string' }, hint: { type: 'string' } } }),
      },
    },
    paths: OPERATIONS,
  };
}
