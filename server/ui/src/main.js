// Claude.OS web UI. Bundled by esbuild at `npm run build` (scripts/build-ui.mjs) into
// dist/ui/app.js with uPlot. Everything from the server is inserted as text (textContent via
// el()), never as HTML: service names, log lines and events are untrusted. The session is an
// HttpOnly cookie: this script never sees a token, and nothing secret goes in a URL or storage.
import { el, $, fmtTime, api, AuthError, setOnAuthError } from './util.js';
import { planBox } from './review.js';
import { Charts } from './charts.js';

const state = { conversationId: null, reopened: false, tab: 'dashboard', range: '1h', logsFor: null, logsTimer: null, lastLogTime: '' };
const charts = new Charts();
let timer = null;

// ── login ──────────────────────────────────────────────────────────────────────────
function showLogin(msg) {
  $('#login').hidden = false;
  $('#app').hidden = true;
  $('#nav').hidden = true;
  $('#banner').hidden = true;
  $('#banner').textContent = '';
  $('#login-error').textContent = msg || '';
  stopLogs();
  if (timer) clearInterval(timer);
  timer = null;
}
setOnAuthError(() => showLogin('Your session has ended. Log in again with a new code.'));

async function connect() {
  $('#login').hidden = true;
  $('#app').hidden = false;
  $('#nav').hidden = false;
  $('#banner').hidden = false;
  showTab(state.tab);
  await refresh();
  if (timer) clearInterval(timer);
  // The observer samples every 10 s: the dashboard and its charts follow at the same pace.
  timer = setInterval(() => { if (state.tab === 'dashboard') refresh(); }, 10000);
}

// ── dashboard ──────────────────────────────────────────────────────────────────────
async function refresh() {
  try {
    const [r, m, ev] = await Promise.all([api('GET', '/api/v1/status'), api('GET', `/api/v1/metrics?range=${state.range}`), api('GET', '/api/v1/events?since=24h')]);
    if (!r.ok) $('#banner').textContent = `Status unavailable: ${r.data.error}`;
    else renderStatus(r.data);
    if (m.ok) renderMetrics(m.data);
    if (ev.ok) renderEvents(ev.data.events || []);
    const nt = await api('GET', '/api/v1/notifications?limit=10');
    if (nt.ok) renderNotifications(nt.data.notifications || []);
  } catch (e) {
    if (!(e instanceof AuthError)) $('#banner').textContent = `Cannot reach the API: ${e.message}`;
  }
}

function gauge(label, percent, detail) {
  const p = percent === null || percent === undefined ? null : Math.max(0, Math.min(100, percent));
  const cls = p === null ? '' : p >= 90 ? 'bad' : p >= 75 ? 'warn' : 'ok';
  const bar = el('div', { class: 'gauge-bar' }, el('div', { class: `gauge-fill ${cls}` }));
  bar.firstChild.style.width = `${p ?? 0}%`;
  return el('div', { class: 'gauge', role: 'meter', 'aria-label': label, 'aria-valuenow': String(p ?? 0), 'aria-valuemin': '0', 'aria-valuemax': '100' },
    el('div', { class: 'gauge-head' }, el('span', {}, label), el('strong', {}, p === null ? '–' : `${Math.round(p)}%`)), bar, el('div', { class: 'muted small' }, detail));
}

function renderStatus(s) {
  $('#banner').textContent = s.banner;
  $('#banner').classList.toggle('alerting', (s.alerts || []).length > 0);
  const res = s.summary && s.summary.resources;
  if (res) {
    const g = $('#gauges');
    g.replaceChildren(
      gauge('CPU', res.cpu.usage_percent, `${res.cpu.cores} cores · load ${res.cpu.load_1m}`),
      gauge('Memory', res.memory.usage_percent, `${res.memory.used_mb} of ${res.memory.total_mb} MB`),
      ...res.disk.slice(0, 3).map((d) => gauge(`Disk ${d.mount}`, d.usage_percent, `${d.used_gb} of ${d.total_gb} GB`)),
    );
  }
  const body = $('#services tbody');
  body.replaceChildren();
  const seen = new Set();
  for (const row of s.services) {
    const cls = /healthy|running/.test(row.status) && !/unhealthy/.test(row.status) ? 'ok' : /starting/.test(row.status) ? 'warn' : 'bad';
    const first = !seen.has(row.name);
    seen.add(row.name);
    const running = row.state === 'running';
    const actions = first
      ? el('div', { class: 'row-actions' },
          el('button', { type: 'button', class: 'secondary small-btn', onclick: () => serviceAction(row.name, 'restart') }, 'Restart'),
          el('button', { type: 'button', class: 'secondary small-btn', onclick: () => serviceAction(row.name, running ? 'stop' : 'start') }, running ? 'Stop' : 'Start'),
          el('button', { type: 'button', class: 'secondary small-btn', onclick: () => openLogs(row.name) }, 'Logs'))
      : null;
    body.append(el('tr', { 'data-service': row.name },
      el('td', {}, el('div', {}, row.service), el('div', { class: 'muted small mono' }, row.image)),
      el('td', {}, el('span', { class: `pill ${cls}` }, row.status)),
      el('td', {}, row.memoryMb === null ? '–' : `${row.memoryMb} MB`),
      el('td', {}, row.ports.length ? row.ports.join(', ') : '–'),
      el('td', {}, actions)));
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
  $('#pending-why').textContent = `${p.kind === 'drift' ? 'Corrects drift' : `Changes ${p.changedFiles.join(', ')}`}, since ${fmtTime(p.createdAt)}: ${p.reason}`;
  $('#pending-steps').replaceChildren(...p.steps.map((st) => el('li', {}, st)));
}

// Notifications: the reconciler's, the observer's anomalies, scheduled jobs' (newest first).
function renderNotifications(list) {
  const ul = $('#notifications');
  ul.replaceChildren();
  if (list.length === 0) ul.append(el('li', { class: 'muted' }, 'No notifications.'));
  for (const n of list.slice().reverse()) ul.append(el('li', { class: `sev-${n.severity}` }, el('time', { datetime: n.time, title: n.time }, fmtTime(n.time)), ` ${n.severity}: ${n.title}`));
}

function renderMetrics(m) {
  const names = Object.keys(m.services).sort();
  const points = m.host.cpu.length + names.reduce((n, k) => n + m.services[k].cpu.length, 0);
  $('#metrics-note').textContent = m.source === 'none' || points === 0
    ? 'No samples yet: the first appear within 10 seconds.'
    : `Sampled every ${m.step} s ${m.source === 'serve' ? 'by claude serve' : 'by the observer'}; updated every 10 s.`;
  const mb = (p) => [p[0], Math.round((p[1] / 1048576) * 10) / 10];
  charts.draw('host-cpu', $('#chart-host-cpu'), ['host'], [m.host.cpu], '%');
  charts.draw('host-mem', $('#chart-host-mem'), ['host'], [m.host.memory.map(mb)], 'MB');
  charts.draw('svc-cpu', $('#chart-svc-cpu'), names, names.map((n) => m.services[n].cpu), '%');
  charts.draw('svc-mem', $('#chart-svc-mem'), names, names.map((n) => m.services[n].memory.map(mb)), 'MB');
  const kbs = (p) => [p[0], Math.round((p[1] / 1024) * 10) / 10];
  charts.draw('svc-rx', $('#chart-svc-rx'), names, names.map((n) => (m.services[n].rx ?? []).map(kbs)), 'KB/s');
  charts.draw('svc-tx', $('#chart-svc-tx'), names, names.map((n) => (m.services[n].tx ?? []).map(kbs)), 'KB/s');
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
    list.append(el('li', {}, el('time', { datetime: e.time, title: e.time }, fmtTime(e.time)), ` ${e.type} `, el('strong', {}, who), extra ? ` · ${extra}` : ''));
  }
}

async function serviceAction(name, action) {
  const area = $('#action-area');
  area.replaceChildren(el('p', { class: 'muted' }, `Planning: ${action} ${name}…`));
  try {
    const r = await api('POST', `/api/v1/services/${encodeURIComponent(name)}/actions`, { action });
    if (!r.ok) return area.replaceChildren(el('p', { class: 'error' }, r.data.error), el('p', { class: 'muted' }, r.data.hint || ''));
    area.replaceChildren(el('p', {}, `${action[0].toUpperCase()}${action.slice(1)} ${name}: review the plan, then apply it.`), planBox(r.data.plan, { onApplied: refresh }));
  } catch (e) {
    if (!(e instanceof AuthError)) area.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

// ── logs with a live tail ──────────────────────────────────────────────────────────
function stopLogs() {
  if (state.logsTimer) clearInterval(state.logsTimer);
  state.logsTimer = null;
}

async function pullLogs(first) {
  const name = state.logsFor;
  if (!name) return;
  const q = first || !state.lastLogTime ? '?lines=200' : `?lines=1000&since=${encodeURIComponent(state.lastLogTime)}`;
  const r = await api('GET', `/api/v1/services/${encodeURIComponent(name)}/logs${q}`);
  if (name !== state.logsFor) return;
  const pre = $('#logs');
  if (!r.ok) return void (pre.textContent = `${r.data.error}\n${r.data.hint || ''}`);
  if (first) pre.textContent = '';
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  const text = r.data.lines.map((l) => `${fmtTime(l.time)}  ${l.text}`).join('\n');
  if (text) pre.textContent += (pre.textContent ? '\n' : '') + text;
  if (r.data.lines.length) state.lastLogTime = r.data.lines[r.data.lines.length - 1].time;
  if (first && !pre.textContent) pre.textContent = '(no log lines yet)';
  if (atBottom || first) pre.scrollTop = pre.scrollHeight;
}

function openLogs(name) {
  stopLogs();
  state.logsFor = name;
  state.lastLogTime = '';
  $('#logs-panel').hidden = false;
  $('#logs-title').textContent = `Logs: ${name}`;
  $('#logs').textContent = 'Loading…';
  pullLogs(true).catch(() => undefined);
  state.logsTimer = setInterval(() => { if ($('#logs-follow').checked) pullLogs(false).catch(() => undefined); }, 2000);
  $('#logs-panel').scrollIntoView({ block: 'nearest' });
}

// ── chat and conversations ─────────────────────────────────────────────────────────
function say(container, who, ...content) {
  const m = el('div', { class: `msg ${who}` }, ...content);
  container.append(m);
  m.scrollIntoView({ block: 'end' });
  return m;
}

function replyParts(d) {
  const parts = [];
  if (d.explanation) parts.push(el('p', { class: 'explanation' }, d.explanation));
  for (const q of d.questions || []) parts.push(el('p', { class: 'question' }, `? ${q}`));
  for (const w of d.warnings || []) parts.push(el('p', { class: 'warning' }, `⚠ ${w}`));
  if (d.problems && d.problems.length) parts.push(el('pre', { class: 'error' }, d.problems.join('\n')));
  return parts;
}

async function send(message) {
  const box = $('#messages');
  say(box, 'user', message);
  const wait = say(box, 'assistant', el('span', { class: 'muted' }, 'Planning…'));
  $('#chat-send').disabled = true;
  try {
    const r = await api('POST', '/api/v1/conversation', state.conversationId ? { message, conversationId: state.conversationId } : { message });
    wait.remove();
    if (!r.ok) return say(box, 'assistant', el('p', { class: 'error' }, r.data.error), r.data.hint ? el('p', { class: 'muted' }, r.data.hint) : null);
    state.conversationId = r.data.conversationId;
    // The plan this one refines is superseded on the server: disable its buttons here too.
    for (const b of box.querySelectorAll('.plan[data-status="proposed"]')) b.dispatchEvent(new CustomEvent('superseded'));
    const parts = replyParts(r.data);
    if (r.data.plan) parts.push(planBox(r.data.plan, { onApplied: () => loadSide() }));
    say(box, 'assistant', ...parts);
    loadSide();
  } catch (e) {
    wait.remove();
    if (!(e instanceof AuthError)) say(box, 'assistant', el('p', { class: 'error' }, e.message));
  } finally {
    $('#chat-send').disabled = false;
  }
}

/** Shows a stored conversation: its messages, and each plan as it stands now on the server. */
async function openConversation(id) {
  const r = await api('GET', `/api/v1/conversations/${encodeURIComponent(id)}`);
  if (!r.ok) return;
  state.conversationId = id;
  const box = $('#messages');
  box.replaceChildren();
  const plans = new Map();
  await Promise.all([...new Set(r.data.turns.filter((t) => t.planId).map((t) => t.planId))].map(async (pid) => {
    const p = await api('GET', `/api/v1/plans/${pid}`);
    if (p.ok) plans.set(pid, p.data);
  }));
  const shown = new Set();
  for (const t of r.data.turns) {
    if (t.role === 'user') { say(box, 'user', t.text); continue; }
    if (t.status === 'applied' || t.status === 'failed' || t.status === 'cancelled') continue; // the plan box says it
    const parts = [el('p', { class: 'explanation' }, t.text)];
    if (t.planId && plans.has(t.planId) && !shown.has(t.planId)) {
      shown.add(t.planId);
      parts.push(planBox(plans.get(t.planId), { onApplied: () => loadSide() }));
    }
    say(box, 'assistant', ...parts);
  }
  markActive();
}

function markActive() {
  for (const li of document.querySelectorAll('#conversations li')) li.classList.toggle('active', li.dataset.id === state.conversationId);
}

async function loadSide() {
  const [c, p] = await Promise.all([api('GET', '/api/v1/conversations'), api('GET', '/api/v1/plans')]);
  const convs = $('#conversations');
  convs.replaceChildren();
  if (c.ok) {
    if (c.data.conversations.length === 0) convs.append(el('li', { class: 'muted' }, 'None yet.'));
    for (const x of c.data.conversations.slice(0, 20)) {
      convs.append(el('li', { 'data-id': x.id }, el('button', { type: 'button', class: 'link', onclick: () => openConversation(x.id) }, x.first || '(no message)'), el('div', { class: 'muted small' }, fmtTime(x.started))));
    }
  }
  const pend = $('#pending');
  pend.replaceChildren();
  if (p.ok) {
    const open = p.data.plans.filter((m) => m.status === 'proposed' && Date.parse(m.createdAt) > Date.now() - 3600_000);
    if (open.length === 0) pend.append(el('li', { class: 'muted' }, 'None.'));
    for (const m of open) {
      pend.append(el('li', {}, el('button', { type: 'button', class: 'link', onclick: () => (m.conversationId ? openConversation(m.conversationId) : showPlan(m.id)) }, m.messages.join('; ') || m.id), el('div', { class: 'muted small' }, `${m.kind} · ${fmtTime(m.createdAt)}`)));
    }
  }
  markActive();
}

async function showPlan(id) {
  const p = await api('GET', `/api/v1/plans/${id}`);
  if (!p.ok) return;
  state.conversationId = null;
  const box = $('#messages');
  box.replaceChildren();
  say(box, 'assistant', el('p', {}, p.data.request), planBox(p.data, { onApplied: () => loadSide() }));
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
    body.append(el('tr', {}, el('td', { class: 'mono' }, c.commit.slice(0, 12)), el('td', {}, el('time', { datetime: c.time, title: c.time }, fmtTime(c.time))), el('td', {}, c.author.name), el('td', { class: 'wrap' }, c.request), el('td', {}, btn)));
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
    say(area, 'assistant', el('p', {}, `Rollback to ${commit.slice(0, 12)}: review the plan, then apply it.`), planBox(r.data.plan, { onApplied: () => loadHistory().catch(() => undefined) }));
  } catch (e) {
    wait.remove();
    if (!(e instanceof AuthError)) say(area, 'assistant', el('p', { class: 'error' }, e.message));
  }
}

// ── wiring ─────────────────────────────────────────────────────────────────────────
function showTab(name) {
  state.tab = name;
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  for (const t of ['dashboard', 'chat', 'history']) $(`#tab-${t}`).hidden = name !== t;
  if (name === 'history') loadHistory().catch(() => undefined);
  if (name === 'chat') {
    loadSide().then(async () => {
      // Reopen the newest conversation after a reload (conversations live on the server), once:
      // a conversation the user started with "New conversation" stays open across tab changes.
      if (!state.reopened && !state.conversationId && !$('#messages').hasChildNodes()) {
        state.reopened = true;
        const first = document.querySelector('#conversations li[data-id]');
        if (first) await openConversation(first.dataset.id);
      }
    }).catch(() => undefined);
  }
  if (name === 'dashboard') { refresh(); charts.resize(); }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const code = $('#code-input').value.trim();
    $('#code-input').value = '';
    const r = await fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
    const d = await r.json().catch(() => ({}));
    if (!r.ok) return void ($('#login-error').textContent = `${d.error || `HTTP ${r.status}`}. ${d.hint || ''}`);
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
    state.conversationId = null;
    state.reopened = true;
    $('#messages').replaceChildren();
    markActive();
    $('#chat-input').focus();
  });
  $('#logout').addEventListener('click', async () => {
    await api('POST', '/api/v1/logout', {}).catch(() => undefined);
    state.conversationId = null;
    state.reopened = false;
    $('#messages').replaceChildren();
    showLogin('Logged out.');
  });
  $('#logs-close').addEventListener('click', () => { stopLogs(); state.logsFor = null; $('#logs-panel').hidden = true; });
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab));
  for (const b of document.querySelectorAll('.range-btn')) {
    b.addEventListener('click', () => {
      state.range = b.dataset.range;
      for (const x of document.querySelectorAll('.range-btn')) x.classList.toggle('active', x === b);
      refresh();
    });
  }
  window.addEventListener('resize', () => charts.resize());
  const r = await fetch('/api/v1/session').catch(() => null);
  if (r && r.ok) connect();
  else showLogin();
});
