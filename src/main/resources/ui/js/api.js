// The dashboard's only way to the server: the /client/v4 API of the same origin, with the bearer
// token this tab holds in sessionStorage. The token never goes into a URL.

const BASE = new URL('../client/v4', document.baseURI).pathname;
const TOKEN_KEY = 'stepflow.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
  /** 'edit' or 'read', learnt from GET /user/tokens/verify after sign-in. */
  permission: 'read',
};

/** A failure the API answered, in its envelope: status, codes and its plain-words messages. */
export class ApiError extends Error {
  constructor(status, body, headers) {
    const messages = (body && Array.isArray(body.messages) ? body.messages : [])
      .map((m) => (typeof m === 'string' ? m : m && m.message))
      .filter(Boolean);
    const errors = body && Array.isArray(body.errors) ? body.errors : [];
    super(messages[0] || (errors[0] && errors[0].message) || 'HTTP ' + status);
    this.status = status;
    this.code = errors[0] ? errors[0].code : null;
    this.messages = messages;
    this.result = body ? body.result : null;
    this.headers = headers;
  }

  /** The server has no such endpoint (a server without that extension): 404 "no route". */
  get noRoute() {
    return this.status === 404 && (this.code === 7000 || this.code === null);
  }

  /** The instance changed since the page read it (If-Match no longer matches). */
  get stale() {
    return this.status === 412;
  }
}

/** A path under the API with each segment encoded: api.path('accounts', acc, 'workflows'). */
export function path(...segments) {
  return '/' + segments.map((s) => encodeURIComponent(s)).join('/');
}

/**
 * Calls the API and returns {body, headers}; a failure throws ApiError. options: method, query
 * (object; empty values left out), body (JSON), headers.
 */
export async function call(apiPath, options = {}) {
  const url = new URL(BASE + apiPath, location.origin);
  for (const [k, v] of Object.entries(options.query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const token = session.token();
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = { method: options.method || 'GET', headers, cache: 'no-store', credentials: 'omit' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(url, init);
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok || !body || body.success === false) {
    throw new ApiError(response.status, body, response.headers);
  }
  return { body, headers: response.headers };
}

/** GET and the envelope's result. */
export async function get(apiPath, query) {
  return (await call(apiPath, { query })).body;
}
