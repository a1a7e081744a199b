// The plan review: built from the plan's structured review (plan/review.ts on the server):
// per resource the fields that change old → new, risk badges, the exposure map, and the
// steps, signatures and policy folded under "Details". Apply / Cancel act on the server.
import { el, api, AuthError, fmtTime } from './util.js';

const DONE = {
  applied: ['ok', '✓ Applied.'],
  'rolled-back': ['bad', 'The apply failed and was rolled back: the system is as it was.'],
  'needs-attention': ['bad', 'The apply failed and the rollback did not restore everything: run claude recover on the host.'],
  superseded: ['muted', 'Superseded by a newer plan in this conversation.'],
  cancelled: ['muted', 'Cancelled. This plan can no longer be applied.'],
  applying: ['muted', 'Being applied…'],
};

function badge(risk) {
  if (!risk || risk === 'safe') return null;
  return el('span', { class: `badge risk-${risk}` }, risk);
}

function actionWord(a) {
  return a === 'create' ? 'new' : a === 'delete' ? 'removed' : 'changed';
}

function fieldRow(f) {
  return el('li', { class: 'field' },
    el('code', { class: 'fname' }, f.field), ' ',
    f.old !== null ? el('del', { class: 'old' }, f.old) : null,
    f.old !== null && f.new !== null ? el('span', { class: 'arrow', 'aria-label': 'becomes' }, ' → ') : null,
    f.new !== null ? el('ins', { class: 'new' }, f.new) : el('span', { class: 'muted' }, ' (removed)'));
}

function resourceCard(r) {
  const fields = r.fields.length > 12 && r.action !== 'update' ? r.fields.slice(0, 12) : r.fields;
  return el('li', { class: `resource action-${r.action}` },
    el('div', { class: 'res-head' },
      el('span', { class: `sym sym-${r.action}` }, r.action === 'create' ? '+' : r.action === 'delete' ? '−' : '~'),
      el('span', { class: 'kind' }, r.kind), ' ', el('strong', { class: 'res-name' }, r.name), ' ',
      el('span', { class: 'muted small' }, actionWord(r.action)), ' ', badge(r.risk)),
    fields.length ? el('ul', { class: 'fields' }, fields.map(fieldRow)) : null,
    fields.length < r.fields.length ? el('p', { class: 'muted small' }, `… and ${r.fields.length - fields.length} more fields`) : null);
}

/** The review box of a plan view (GET /api/v1/plans/:id or a conversation reply's plan). */
export function planBox(plan, opts = {}) {
  const box = el('div', { class: `plan ${plan.needsConfirmation ? 'security' : ''}`, 'data-plan': plan.id, 'data-status': plan.meta.status });
  const review = plan.review || { resources: [], otherSteps: [], exposure: [], warnings: [] };
  const risky = plan.risks.map((r) => r.risk);
  box.append(el('div', { class: 'plan-head' },
    el('strong', {}, 'Proposed changes'), ' ',
    el('span', { class: 'muted small' }, plan.summary), ' ',
    risky.includes('security') ? badge('security') : null, ' ',
    risky.includes('destructive') ? badge('destructive') : null));
  if (plan.noChanges) {
    box.append(el('p', { class: 'muted' }, 'Nothing to apply: the system already matches.'));
    return box;
  }
  if (review.resources.length) box.append(el('ul', { class: 'resources' }, review.resources.map(resourceCard)));
  if (review.otherSteps.length) {
    box.append(el('div', { class: 'other' }, el('div', { class: 'muted small' }, 'Also:'), el('ul', { class: 'plain' }, review.otherSteps.map((s) => el('li', {}, s.description, ' ', badge(s.risk))))));
  }
  if (plan.risks.length) {
    box.append(el('div', { class: 'warning' }, el('strong', {}, '⚠ Security-sensitive or destructive steps:'), el('ul', {}, plan.risks.map((r) => el('li', {}, badge(r.risk), ' ', r.description)))));
  }
  if (review.exposure.length) {
    box.append(el('details', { class: 'exposure', open: true }, el('summary', {}, 'Exposure: what is reachable from where'), el('ul', { class: 'plain mono' }, review.exposure.map((l) => el('li', {}, l)))));
  }
  box.append(el('details', { class: 'details' }, el('summary', {}, 'Details: steps, signatures, policy'),
    el('p', { class: 'small' }, `Plan ${plan.id} · made ${fmtTime(plan.createdAt)} · expires ${fmtTime(plan.expiresAt)}`),
    el('ol', { class: 'small' }, plan.steps.map((s) => el('li', {}, el('code', {}, s.op), ' ', s.description, ' ', badge(s.risk)))),
    el('p', { class: 'small' }, 'Signatures: ', plan.signatures.map((s) => `${s.role || 'unknown role'} (${s.status}) ${s.keyid.slice(0, 16)}`).join('; ') || 'none'),
    plan.missingSignatures.length ? el('p', { class: 'small' }, `Missing: ${plan.missingSignatures.join('; ')}`) : null,
    el('p', { class: 'small mono' }, `File: ${plan.file}`),
    review.warnings.length ? el('ul', { class: 'small' }, review.warnings.map((w) => el('li', {}, w))) : null,
    el('pre', { class: 'show' }, plan.show)));

  const status = el('div', { class: 'progress mono' });
  const buttons = el('div', { class: 'buttons' });
  box.append(buttons, status);
  const finish = (cls, text) => buttons.replaceChildren(el('span', { class: cls }, text));
  box.addEventListener('superseded', () => { box.dataset.status = 'superseded'; finish(...DONE.superseded); });

  if (DONE[plan.meta.status]) {
    finish(...DONE[plan.meta.status]);
    return box;
  }
  const waitingForSignature = plan.needsAdminSignature && plan.missingSignatures.length > 0;
  const apply = el('button', { type: 'button', class: 'primary', disabled: waitingForSignature, onclick: () => (plan.needsConfirmation ? confirmStep() : doApply(false)) }, 'Apply');
  const cancel = el('button', { type: 'button', class: 'secondary', onclick: doCancel }, 'Cancel');
  const sign = waitingForSignature
    ? el('div', { class: 'cosign' },
        el('p', {}, el('strong', {}, 'Waiting for an admin co-signature. '), 'This plan changes users, SSH keys, sudo or sshd. On the host, run:'),
        el('pre', { class: 'mono' }, `claude sign ${plan.file} --key ADMIN.key`),
        el('button', { type: 'button', class: 'secondary', onclick: recheck }, 'Check the signature again'))
    : null;
  function showButtons() {
    buttons.replaceChildren(...[sign, apply, cancel].filter(Boolean));
  }
  async function recheck() {
    const p = await api('GET', `/api/v1/plans/${plan.id}`);
    if (!p.ok) return;
    plan = p.data;
    if (!(plan.needsAdminSignature && plan.missingSignatures.length > 0)) {
      apply.disabled = false;
      if (sign) sign.replaceChildren(el('p', { class: 'ok' }, '✓ Co-signed by an admin: it can be applied.'));
    } else status.textContent = `Not signed yet. On the host: claude sign ${plan.file} --key ADMIN.key`;
  }
  async function doCancel() {
    try {
      const r = await api('POST', `/api/v1/plans/${plan.id}/cancel`, {});
      if (r.ok) {
        box.dataset.status = 'cancelled';
        finish('muted', 'Cancelled on the server. Nothing changed; this plan can no longer be applied.');
      } else finish('bad', `${r.data.error}`);
    } catch (e) {
      if (!(e instanceof AuthError)) finish('bad', `Error: ${e.message}`);
    }
  }
  function confirmStep() {
    buttons.replaceChildren(
      el('div', { class: 'confirm' },
        el('p', {}, el('strong', {}, 'Second confirmation: '), `this plan has ${plan.risks.length} security or destructive step(s). Apply it anyway?`),
        el('button', { type: 'button', class: 'danger', onclick: () => doApply(true) }, 'Yes, apply the security change'),
        el('button', { type: 'button', class: 'secondary', onclick: showButtons }, 'Back')));
  }
  async function doApply(confirmSecurity) {
    finish('muted', 'Applying…');
    const poll = setInterval(async () => {
      try {
        const p = await api('GET', `/api/v1/plans/${plan.id}`);
        if (p.ok) status.textContent = (p.data.progress || []).join('\n');
      } catch { /* the result will say */ }
    }, 700);
    try {
      const r = await api('POST', `/api/v1/plans/${plan.id}/apply`, confirmSecurity ? { approve: true, confirmSecurity: true } : { approve: true });
      clearInterval(poll);
      if (r.ok) {
        status.textContent = r.data.lines.join('\n');
        box.dataset.status = 'applied';
        finish('ok', '✓ Applied.');
        if (opts.onApplied) opts.onApplied();
      } else {
        status.textContent = [r.data.error, r.data.hint ? `hint: ${r.data.hint}` : '', ...(r.data.lines || [])].filter(Boolean).join('\n');
        status.classList.add('error');
        if (r.status === 403 && r.data.clause && String(r.data.clause).startsWith('V3')) {
          // A missing co-signature: sign on the host, then apply again from here.
          plan.needsAdminSignature = true;
          buttons.replaceChildren(el('span', { class: 'bad' }, 'Not applied: an admin must co-sign it first.'), el('button', { type: 'button', class: 'secondary', onclick: () => { status.textContent = ''; recheck().then(showButtons); } }, 'Signed: try again'));
        } else if (r.status === 409) finish('bad', 'Refused: the system changed. Ask again to re-plan.');
        else buttons.replaceChildren(el('span', { class: 'bad' }, 'Not applied.'), el('button', { type: 'button', class: 'secondary', onclick: () => { status.textContent = ''; status.classList.remove('error'); showButtons(); } }, 'Retry'));
      }
    } catch (e) {
      clearInterval(poll);
      if (!(e instanceof AuthError)) finish('bad', `Error: ${e.message}`);
    }
  }
  showButtons();
  return box;
}
