// The Shailoo JSON API, same origin. Every failure becomes an ApiError whose
// kind says what the page should tell the person: the server answered with
// an error ("http", with status and the API's error code), the server could
// not be reached ("network"), or the answer was not JSON ("parse").

export class ApiError extends Error {
  constructor(kind, status = 0, code = null, message = '', field = null, retryAfter = null) {
    super(message || `${kind} ${status}`);
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

/* The one fetch of the pages: a request to the API, the parsed body of a 2xx
 * answer; an ApiError otherwise (the error format of every answer decoded here,
 * once). An aborted request rethrows the AbortError untouched. body (an object)
 * is sent as JSON; a Blob (a file the person chose) as its bytes. */
export async function request(path, { method = 'GET', body, headers = {}, signal } = {}) {
  let res;
  const raw = typeof Blob !== 'undefined' && body instanceof Blob;
  const h = { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': raw ? 'application/octet-stream' : 'application/json' } : {}), ...headers };
  try {
    res = await fetch(path, {
      method,
      headers: h,
      credentials: 'same-origin',
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body == null ? {} : body),
      signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError('network');
  }
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    data = null;
  }
  if (!res.ok) {
    const err = data && typeof data === 'object' && data.error ? data.error : {};
    const ra = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(
      'http',
      res.status,
      typeof err.code === 'string' ? err.code : null,
      typeof err.message === 'string' ? err.message : '',
      typeof err.field === 'string' ? err.field : null,
      Number.isFinite(ra) && ra >= 0 ? ra : null,
    );
  }
  if (data == null || typeof data !== 'object') throw new ApiError('parse', res.status);
  return data;
}

/* GET path: request()'s answer. */
export function getJSON(path, { signal } = {}) {
  return request(path, { signal });
}

export const isAbort = (e) => e && e.name === 'AbortError';

/* One request at a time per purpose: starting a new one cancels the previous,
 * so a slow old answer can never overwrite a newer one. */
export function latest() {
  let ctl = null;
  return (path) => {
    if (ctl) ctl.abort();
    ctl = new AbortController();
    return getJSON(path, { signal: ctl.signal });
  };
}

/* The text to show for a failure, given the translation function. Callers
 * handle the statuses that mean something in their context (404, 400) first. */
export function errorText(e, t) {
  if (!(e instanceof ApiError)) return t('errors.unexpected');
  if (e.kind === 'network') return t('errors.network');
  if (e.kind === 'parse') return t('errors.unexpected');
  if (e.status === 429) {
    return e.retryAfter != null ? t('errors.too_many_wait', { seconds: e.retryAfter }) : t('errors.too_many');
  }
  if (e.status >= 500) return t('errors.server', { status: e.status });
  if (e.status === 404) return t('errors.not_found');
  return t('errors.bad_request', { message: e.message || e.code || e.status });
}

// Reference lists that several parts of a page need, fetched once.
const once = new Map();
export function cached(path) {
  if (!once.has(path)) {
    const p = getJSON(path);
    p.catch(() => once.delete(path)); // a failure is retried next time
    once.set(path, p);
  }
  return once.get(path);
}
