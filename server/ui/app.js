// Claude.OS web UI: vanilla JS, no build step. Everything from the server is inserted as
// text (textContent), never as HTML: service names, log lines and events are untrusted.
'use strict';

const TOKEN_KEY = 'claude-os-token';
const $ = (sel) => document.querySelector(sel);
let conversationId = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

class AuthError extends Error {}

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + (sessionStorage.getItem(TOKEN_KEY) || '') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}`, hint: '' }));
  if (res.status === 401) {
    showLogin('The token was not accepted.');
    throw new AuthError(data.error);
  }
  return { ok: res.ok, status: res.status, data };
}

// ── login ──────────────────────────────────────────────────────────────────────────
function showLogin(msg) {
  sessionStorage.removeItem(TOKEN_KEY);
  $('#login').hidden = false;
  $('#app').hidden = true;
  $('#login-error').textContent = msg || '';
}

async function connect() {
  $('#login').hidden = true;
  $('#app').hidden = false;
  await refresh();
}

// ── dashboard ──────────────────────────────────────────────────────────────────────
async function refresh() {
  try {
    const r = await api('GET', '/api/v1/status');
    if (!r.ok) {
      $('#banner').textContent = `Status unavailable: ${r.data.error}`;
    } else renderStatus(r.data);
    const ev = await api('GET', '/api/v1/events?since=24h');
    if (ev.ok) renderEvents(ev.data.events || []);
    const nt = await api('GET', '/api/v1/notifications?limit=10');
    if (nt.ok) renderNotifications(nt.data.notifications || []);
  } catch (e) {
    if (!(e instanceof AuthError)) $('#banner').textContent = `Cannot reach the API: ${e.message}`;
  }
}

function renderStatus(s) {
  $('#banner').textContent = s.banner;
  $('#banner').classList.toggle('alerting', (s.alerts || []).length > 0);
  const body = $('#services tbody');
  body.replaceChildren();
  for (const row of s.services) {
    const cls = /healthy|running/.test(row.status) && !/unhealthy/.test(row.status) ? 'ok' : /starting/.test(row.status) ? 'warn' : 'bad';
    body.append(el('tr', {}, el('td', {}, row.service), el('td', { class: 'mono' }, row.image), el('td', {}, el('span', { class: `pill ${cls}` }, row.status)), el('td', {}, row.memoryMb === null ? '-' : `${row.memoryMb} MB`), el('td', {}, row.ports.length ? row.ports.join(', ') : '-')));
  }
  $('#no-services').hidden = s.services.length > 0;
  const alerts = $('#alerts');
  alerts.replaceChildren();
  const items = [...(s.alerts || []).map((a) => [a.severity, a.message]), ...(s.anomalies || []).map((a) => [a.severity, a.message])];
  if (items.length === 0) alerts.append(el('li', { class: 'muted' }, 'No alerts.'));
  for (const [sev, msg] of items) alerts.append(el('li', { class: `sev-${sev}` }, `${sev}: ${msg}`));
  renderPending(s.pending || null);
}

// The reconciler's plan waiting for approval (GET /api/v1/status `pending`).
function renderPending(p) {
  $('#pending-panel').hidden = !p;
  if (!p) return;
  $('#pending-why').textContent = `${p.kind === 'drift' ? 'Corrects drift' : `Changes ${p.changedFiles.join(', ')}`}, since ${p.createdAt.replace(/\.\d+Z$/, 'Z').replace('T', ' ')}: ${p.reason}`;
  $('#pending-steps').replaceChildren(...p.steps.map((st) => el('li', {}, st)));
}

// Notifications: the reconciler's, the observer's anomalies, scheduled jobs' (newest first).
function renderNotifications(list) {
  const ul = $('#notifications');
  ul.replaceChildren();
  if (list.length === 0) ul.append(el('li', { class: 'muted' }, 'No notifications.'));
  for (const n of list.slice().reverse()) ul.append(el('li', { class: `sev-${n.severity}` }, `${n.time.replace(/\.\d+Z$/, 'Z').replace('T', ' ')}  ${n.severity}: ${n.title}`));
}

function renderEvents(events) {
  const list = $('#events');
  list.replaceChildren();
  // This instance's own events: the runtime's, and its services' containers' (others share the Docker Engine).
  const recent = events.filter((e) => e.source !== 'docker' || e.service !== undefined).slice(-15).reverse();
  if (recent.length === 0) list.append(el('li', { class: 'muted' }, 'No events of this system in the last 24 hours.'));
  for (const e of recent) {
    const who = e.service || e.container || '';
    const extra = [e.exitCode !== undefined ? `exit ${e.exitCode}` : '', e.detail || ''].filter(Boolean).join(' · ');
    list.append(el('li', {}, `${e.time.replace(/\.\d+Z$/, 'Z').replace('T', ' ')}  ${e.type}  ${who}${extra ? '  ' + extra : ''}`));
  }
}

// ── chat ───────────────────────────────────────────────────────────────────────────
function say(container, who, ...content) {
  const m = el('div', { class: `msg ${who}` }, ...content);
  container.append(m);
  m.scrollIntoView({ block: 'end' });
  return m;
}

function planBox(container, plan) {
  const box = el('div', { class: `plan ${plan.needsConfirmation ? 'security' : ''}` });
  box.append(el('pre', { class: 'show' }, plan.show));
  if (plan.noChanges) {
    box.append(el('p', { class: 'muted' }, 'Nothing to apply: the system already matches.'));
    return box;
  }
  if (plan.risks.length) {
    box.append(el('div', { class: 'warning' }, el('strong', {}, '⚠ Security-sensitive or destructive steps:'), el('ul', {}, plan.risks.map((r) => el('li', {}, `[${r.risk}] ${r.description}`)))));
  }
  if (plan.needsAdminSignature) {
    box.append(el('p', { class: 'warning' }, `This plan changes users, SSH keys, sudo or sshd: an admin must co-sign it on the host first (claude sign ${plan.file} --key ADMIN.key).`));
  }
  const status = el('div', { class: 'progress mono' });
  const buttons = el('div', { class: 'buttons' });
  const cancel = el('button', { type: 'button', class: 'secondary', onclick: () => { buttons.replaceChildren(el('span', { class: 'muted' }, 'Cancelled. Nothing changed.')); } }, 'Cancel');
  const apply = el('button', { type: 'button', class: 'primary', onclick: () => (plan.needsConfirmation ? confirmStep() : doApply(false)) }, 'Apply');
  function confirmStep() {
    buttons.replaceChildren(
      el('div', { class: 'confirm' },
        el('p', {}, el('strong', {}, 'Second confirmation: '), `this plan has ${plan.risks.length} security or destructive step(s). Apply it anyway?`),
        el('button', { type: 'button', class: 'danger', onclick: () => doApply(true) }, 'Yes, apply the security change'),
        el('button', { type: 'button', class: 'secondary', onclick: () => buttons.replaceChildren(el('span', { class: 'muted' }, 'Cancelled. Nothing changed.')) }, 'Cancel')));
  }
  async function doApply(confirmSecurity) {
    buttons.replaceChildren(el('span', { class: 'muted' }, 'Applying…'));
    const poll = setInterval(async () => {
      try {
        const p = await api('GET', `/api/v1/plans/${plan.id}`);
        if (p.ok) status.textContent = (p.data.progress || []).join('\n');
      } catch { /* the result will say */ }
    }, 700);
    try {
      const body = confirmSecurity ? { approve: true, confirmSecurity: true } : { approve: true };
      const r = await api('POST', `/api/v1/plans/${plan.id}/apply`, body);
      clearInterval(poll);
      if (r.ok) {
        status.textContent = [...r.data.steps.filter((s) => s.status === 'done').map((s) => `✓ ${s.message}`), ...r.data.lines].join('\n');
        buttons.replaceChildren(el('span', { class: 'ok' }, '✓ Applied.'));
        if (!$('#tab-history').hidden) loadHistory().catch(() => undefined);
      } else {
        const lines = [r.data.error, r.data.hint ? `hint: ${r.data.hint}` : '', ...(r.data.lines || [])].filter(Boolean);
        status.textContent = lines.join('\n');
        status.classList.add('error');
        buttons.replaceChildren(el('span', { class: 'bad' }, r.status === 409 ? 'Refused: the system changed. Ask again to re-plan.' : 'Not applied.'));
      }
      refresh();
    } catch (e) {
      clearInterval(poll);
      if (!(e instanceof AuthError)) buttons.replaceChildren(el('span', { class: 'bad' }, `Error: ${e.message}`));
    }
  }
  buttons.append(apply, cancel);
  box.append(buttons, status);
  return box;
}

function renderReply(container, d) {
  const parts = [];
  if (d.explanation) parts.push(el('pre', { class: 'explanation' }, d.explanation));
  for (const q of d.questions || []) parts.push(el('p', { class: 'question' }, `? ${q}`));
  for (const w of d.warnings || []) parts.push(el('p', { class: 'warning' }, `⚠ ${w}`));
  if (d.problems && d.problems.length) parts.push(el('pre', { class: 'error' }, d.problems.join('\n')));
  if (d.plan) parts.push(planBox(container, d.plan));
  say(container, 'assistant', ...parts);
}

async function send(message) {
  const box = $('#messages');
  say(box, 'user', message);
  const wait = say(box, 'assistant', el('span', { class: 'muted' }, 'Planning…'));
  $('#chat-send').disabled = true;
  try {
    const r = await api('POST', '/api/v1/conversation', conversationId ? { message, conversationId } : { message });
    wait.remove();
    if (!r.ok) return say(box, 'assistant', el('p', { class: 'error' }, r.data.error), r.data.hint ? el('p', { class: 'muted' }, r.data.hint) : null);
    conversationId = r.data.conversationId;
    renderReply(box, r.data);
  } catch (e) {
    wait.remove();
    if (!(e instanceof AuthError)) say(box, 'assistant', el('p', { class: 'error' }, e.message));
  } finally {
    $('#chat-send').disabled = false;
  }
}

// ── history ────────────────────────────────────────────────────────────────────────
async function loadHistory() {
  const r = await api('GET', '/api/v1/history?limit=50');
  const body = $('#history tbody');
  body.replaceChildren();
  if (!r.ok) return body.append(el('tr', {}, el('td', { colspan: '5', class: 'error' }, r.data.error)));
  if (r.data.commits.length === 0) body.append(el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'No history yet: the first apply records it.')));
  r.data.commits.forEach((c, i) => {
    const btn = i === 0 ? el('span', { class: 'muted' }, 'current') : el('button', { type: 'button', class: 'secondary', onclick: () => rollback(c.commit) }, 'Roll back to this');
    body.append(el('tr', {}, el('td', { class: 'mono' }, c.commit.slice(0, 12)), el('td', {}, c.time.replace('.000Z', 'Z')), el('td', {}, c.author.name), el('td', {}, c.request), el('td', {}, btn)));
  });
}

async function rollback(commit) {
  const area = $('#rollback-area');
  area.replaceChildren();
  const wait = say(area, 'assistant', el('span', { class: 'muted' }, `Planning the rollback to ${commit.slice(0, 12)}…`));
  try {
    const r = await api('POST', '/api/v1/rollback', { commit });
    wait.remove();
    if (!r.ok) return say(area, 'assistant', el('p', { class: 'error' }, r.data.error), el('p', { class: 'muted' }, r.data.hint || ''));
    say(area, 'assistant', el('p', {}, `Rollback to ${commit.slice(0, 12)}: review the plan, then apply it.`), planBox(area, r.data.plan));
  } catch (e) {
    wait.remove();
    if (!(e instanceof AuthError)) say(area, 'assistant', el('p', { class: 'error' }, e.message));
  }
}

// ── wiring ─────────────────────────────────────────────────────────────────────────
function showTab(name) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  $('#tab-dashboard').hidden = name !== 'dashboard';
  $('#tab-history').hidden = name !== 'history';
  if (name === 'history') loadHistory().catch(() => undefined);
}

document.addEventListener('DOMContentLoaded', () => {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('#token-input').value.trim());
    $('#token-input').value = '';
    connect();
  });
  $('#chat-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const m = $('#chat-input').value.trim();
    if (!m) return;
    $('#chat-input').value = '';
    send(m);
  });
  $('#new-conversation').addEventListener('click', () => {
    conversationId = null;
    $('#messages').replaceChildren();
  });
  $('#logout').addEventListener('click', () => showLogin('Token forgotten.'));
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab));
  // A token in the URL fragment (#token=…) is taken once and removed from the address bar.
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname);
  }
  if (sessionStorage.getItem(TOKEN_KEY)) connect();
  else showLogin();
  setInterval(() => { if (!$('#app').hidden) refresh(); }, 10000);
});
