// The Reelay REST API, with the session cookie the login sets (HttpOnly: scripts never see it).
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, (data && data.message) || res.statusText);
  return data;
}

let current;
/** The logged-in user, or null; cached until login or logout. */
export async function me(refresh = false) {
  if (current !== undefined && !refresh) return current;
  try { current = await api('GET', '/api/me'); } catch { current = null; }
  return current;
}

export function forgetMe() { current = undefined; }
