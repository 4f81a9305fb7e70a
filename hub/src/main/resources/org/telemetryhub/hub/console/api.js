// The hub's HTTP API, with the token as a bearer credential. Failures come back as ApiError, told
// apart the way a user needs them: the token was refused, the hub could not be reached, or the
// hub answered with another error.
import { token } from './session.js';

export class ApiError extends Error {
  constructor(kind, message, status) {
    super(message);
    this.kind = kind; // 'refused' | 'unreachable' | 'failed'
    this.status = status;
  }
}

export async function get(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: 'Bearer ' + token() }, cache: 'no-store' });
  } catch (e) {
    throw new ApiError('unreachable', 'the hub at ' + window.location.host + ' cannot be reached');
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (response.ok) {
    return body;
  }
  const why = body && body.error ? body.error : 'HTTP ' + response.status;
  if (response.status === 401 || response.status === 403) {
    throw new ApiError('refused', why, response.status);
  }
  throw new ApiError(response.status >= 502 && response.status <= 504 ? 'unreachable' : 'failed', why, response.status);
}
