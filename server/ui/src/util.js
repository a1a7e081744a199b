// Small helpers of the web UI: DOM building (text only), local times, the API client.

export const $ = (sel) => document.querySelector(sel);

/** An element with attributes (on* are listeners) and children (strings become text nodes). */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** A time in the browser's time zone (the ISO/UTC value goes in the title). */
export function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export class AuthError extends Error {}
let onAuthError = () => undefined;
export function setOnAuthError(f) {
  onAuthError = f;
}

/** A JSON API call with the session cookie; 401 shows the login. */
export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}`, hint: '' }));
  if (res.status === 401) {
    onAuthError();
    throw new AuthError(data.error);
  }
  return { ok: res.ok, status: res.status, data };
}
