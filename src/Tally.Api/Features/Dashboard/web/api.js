// Calls Tally's JSON API with the session cookie; state-changing calls carry the antiforgery token.
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

async function check(response) {
  if (response.ok) return response;
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    detail = `${problem.detail ?? problem.title} (${problem.code ?? response.status})`;
  } catch { /* not problem+json */ }
  if (response.status === 401) window.location.assign('/dashboard/signin');
  const error = new Error(detail);
  error.status = response.status;
  error.path = new URL(response.url).pathname;
  throw error;
}

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  return (await check(response)).json();
}

export async function send(method, path, body) {
  const headers = { Accept: 'application/json', 'X-CSRF-Token': csrf };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  await check(response);
  return response.status === 204 ? null : response.json();
}
