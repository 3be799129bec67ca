// The control panel: a small single-page app over /api. Everything on screen is built with
// textContent (never innerHTML), so no value from a notification or a user can become markup.
'use strict';

const state = { user: null, csrf: null };
const main = () => document.getElementById('main');

// ------------------------------------------------------------------ helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else if (k === 'text') e.textContent = v;
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function flash(message, error) {
  const f = document.getElementById('flash');
  f.textContent = message || '';
  f.className = error ? 'error' : '';
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  return (await apiAnswer(method, path, body)).data;
}

// A list a page at a time: its rows and the total that matches (X-Total-Count).
async function apiPage(path) {
  const a = await apiAnswer('GET', path);
  return { rows: a.data, total: Number(a.headers.get('X-Total-Count') || a.data.length),
    estimated: a.headers.get('X-Total-Count-Estimated') === 'true' };
}

async function apiAnswer(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const r = await fetch('/api' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = text;
  try { data = text ? JSON.parse(text) : null; } catch (e) { /* YAML or text */ }
  if (r.status === 401 && path !== '/session') {
    state.user = null; state.csrf = null;
    showLogin('Your session ended; please log in again.');
    throw new ApiError(401, 'login required');
  }
  if (!r.ok) throw new ApiError(r.status, (data && data.error) || ('HTTP ' + r.status));
  return { data, headers: r.headers };
}

function fmt(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return v.replace('T', ' ').replace(/\.\d+/, '').replace('+00:00', ' UTC');
  return String(v);
}

function status(v) { return el('span', { class: 'status status-' + v, text: v }); }

function table(columns, rows, onClick, testId) {
  const head = el('tr', {}, columns.map(c => el('th', { text: c[0] })));
  const body = rows.map(r => el('tr', { class: onClick ? 'clickable' : null, onclick: onClick ? () => onClick(r) : null },
    columns.map(c => el('td', {}, c[2] ? c[2](r[c[1]], r) : fmt(r[c[1]])))));
  return el('table', { 'data-test': testId }, el('thead', {}, head), el('tbody', {}, body));
}

// A paged list: the table with sortable headers (columns given a sort key as c[3]), the count, and
// links to the previous and next pages. The page, sort and filters live in the location hash.
// A page with two lists gives the second a prefix for its keys in the hash (listQuery).
function pagedTable(hashBase, params, columns, page, onClick, testId, prefix = '') {
  const limit = Number(params.get(prefix + 'limit') || 50);
  const offset = Number(params.get(prefix + 'offset') || 0);
  const link = changes => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) { if (v === null) p.delete(prefix + k); else p.set(prefix + k, v); }
    return hashBase + '?' + p;
  };
  const sort = params.get(prefix + 'sort') || '';
  const t = table(columns, page.rows, onClick, testId);
  t.querySelectorAll('th').forEach((th, i) => {
    const key = columns[i][3];
    if (!key) return;
    const next = sort === key ? '-' + key : key;
    th.replaceChildren(el('a', { href: link({ sort: next, offset: null }), 'data-sort': key },
      columns[i][0], sort === key ? ' ▲' : sort === '-' + key ? ' ▼' : ''));
  });
  const count = el('p', { class: 'pager', 'data-test': testId + '-count' },
    (page.estimated ? 'about ' : '') + page.total.toLocaleString('en') + ' in all' + (page.total ? ', ' + (offset + 1).toLocaleString('en') + '–'
      + (offset + page.rows.length).toLocaleString('en') + ' shown ' : ' '),
    offset > 0 ? el('a', { href: link({ offset: Math.max(0, offset - limit) }), 'data-test': testId + '-previous' }, '← previous') : '', ' ',
    offset + limit < page.total ? el('a', { href: link({ offset: offset + limit }), 'data-test': testId + '-next' }, 'next →') : '');
  return [count, t];
}

// The query for a paged list: the hash's filters, page and sort, and the page size.
function pageQuery(params) {
  const q = new URLSearchParams(params);
  if (!q.get('limit')) q.set('limit', 50);
  return q;
}

// The same for one list of a page that has several: its filters (keys) and page, under its prefix in the hash.
function listQuery(params, prefix, keys) {
  const q = new URLSearchParams();
  for (const k of keys.concat(['offset', 'limit', 'sort'])) { const v = params.get(prefix + k); if (v) q.set(k, v); }
  if (!q.get('limit')) q.set('limit', 50);
  return q;
}

function field(label, input) { return el('label', {}, label, input); }
function input(name, attrs) { return el('input', Object.assign({ name }, attrs || {})); }
function select(name, options, value) {
  return el('select', { name }, options.map(o => el('option', { value: o, selected: o === value }, o)));
}
function formValues(form) {
  const out = {};
  for (const e of form.elements) {
    if (!e.name) continue;
    if (e.type === 'checkbox') out[e.name] = e.checked;
    else if (e.value !== '') out[e.name] = e.value;
  }
  return out;
}
// The operator's admin; anyone who may change (admin, vendor-admin); anyone who may replay and test (not a vendor's viewer).
function isAdmin() { return state.user && state.user.role === 'admin'; }
function mayChange() { return state.user && state.user.mayChange; }
function mayDiagnose() { return state.user && state.user.mayDiagnose; }
function go(hash) { location.hash = hash; }
async function guarded(action) {
  try { flash(''); await action(); } catch (e) { if (e.status !== 401) flash(e.message, true); }
}
function render(...nodes) { main().replaceChildren(...nodes); }

// ------------------------------------------------------------------ login

function showLogin(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const form = el('form', { id: 'login-form', onsubmit: async ev => {
    ev.preventDefault();
    try {
      const s = await api('POST', '/session', formValues(form));
      state.user = s; state.csrf = s.csrfToken;
      flash('');
      enter();
    } catch (e) { flash(e.message, true); }
  } },
    field('Username', input('username', { autocomplete: 'username', required: true, id: 'username' })),
    field('Password', input('password', { type: 'password', autocomplete: 'current-password', required: true, id: 'password' })),
    el('button', { type: 'submit', id: 'login-button' }, 'Log in'));
  render(el('div', { class: 'login box' }, el('h1', { text: 'Log in' }), form));
  if (message) flash(message, true);
}

function enter() {
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = state.user.username + ' (' + state.user.role
    + (state.user.allVendors ? '' : ': ' + (state.user.vendors.map(v => v.name).join(', ') || 'no vendor yet')) + ')';
  for (const a of document.querySelectorAll('.admin-only')) a.hidden = !isAdmin();
  for (const a of document.querySelectorAll('.change-only')) a.hidden = !mayChange();
  if (!location.hash || location.hash === '#/login') go('#/connectors'); else route();
}

// ------------------------------------------------------------------ connectors

async function connectorsPage() {
  const [connectors, vendors] = await Promise.all([api('GET', '/connectors'), api('GET', '/vendors')]);
  const nodes = [el('h1', { text: 'Connectors' }),
    table([['Vendor', 'vendor_name'], ['Connector', 'name'], ['Code', 'code'], ['Enabled', 'enabled'], ['Mode', 'mode'],
      ['Products', 'mappings'], ['Licenses', 'licenses']], connectors, c => go('#/connector/' + c.id), 'connectors')];
  if (mayChange()) {
    const form = el('form', { class: 'box inline', id: 'new-connector', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      const c = await api('POST', '/connectors', formValues(form));
      flash('Connector "' + c.name + '" created.');
      go('#/connector/' + c.id);
    }); } },
      field('Vendor', el('select', { name: 'vendorId' }, vendors.map(v => el('option', { value: v.id }, v.name)))),
      field('Code', input('code', { required: true, placeholder: 'my-product' })),
      field('Name', input('name', { required: true })),
      field('Mode', select('mode', ['live', 'testing'], 'live')),
      field('Refund policy', select('refundPolicy', ['revoke', 'suspend', 'notify'], 'revoke')),
      field('Code prefix', input('codePrefix')),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'emailOnSuccess' }), 'Email on success'),
      el('button', { type: 'submit' }, 'Create connector'));
    nodes.push(el('h2', { text: 'New connector' }), form);
  }
  render(...nodes);
}

async function connectorPage(id) {
  const c = await api('GET', '/connectors/' + id);
  const nodes = [el('h1', { text: c.name }),
    el('dl', { class: 'facts' },
      [['Vendor', c.vendor_name], ['Code', c.code], ['Enabled', c.enabled], ['Mode', c.mode], ['Email on success', c.email_on_success],
      ['Recipients', c.recipients], ['Refund policy', c.refund_policy], ['Failed renewal', c.failed_renewal_policy],
      ['Billing stopped', c.stopped_policy], ['Issue before fraud review', c.issue_before_fraud_review], ['Issue on', c.issue_on],
      ['INS role', c.ins_role], ['Code prefix', c.code_prefix], ['Licenses', c.licenses]].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: fmt(v) })]))];
  if (mayChange()) {
    const edit = el('form', { class: 'box inline', id: 'edit-connector', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      await api('PUT', '/connectors/' + id, formValues(edit));
      flash('Saved.');
      connectorPage(id);
    }); } },
      field('Name', input('name', { value: c.name })),
      field('Mode', select('mode', ['live', 'testing'], c.mode)),
      field('Refund policy', select('refundPolicy', ['revoke', 'suspend', 'notify'], c.refund_policy)),
      field('Failed renewal', select('failedRenewalPolicy', ['past_due', 'suspend'], c.failed_renewal_policy)),
      field('Billing stopped', select('stoppedPolicy', ['keep_until_expiry', 'revoke'], c.stopped_policy)),
      field('Issue on', select('issueOn', ['complete', 'payment_authorized'], c.issue_on)),
      field('INS role', select('insRole', ['issue', 'follow_up'], c.ins_role)),
      field('Recipients', input('recipients', { value: c.recipients || '' })),
      field('Code prefix', input('codePrefix', { value: c.code_prefix || '' })),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'enabled', checked: c.enabled }), 'Enabled'),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'emailOnSuccess', checked: c.email_on_success }), 'Email on success'),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'issueBeforeFraudReview', checked: c.issue_before_fraud_review }),
        'Issue before fraud review'),
      el('button', { type: 'submit' }, 'Save'));
    nodes.push(el('h2', { text: 'Settings' }), edit);
  }
  nodes.push(...await codeSourceSection(c));
  nodes.push(el('h2', { text: 'Products' }), table([['2Checkout id', 'product_id'], ['Code', 'product_code'], ['Name', 'name'],
    ['License', 'license_type'], ['Duration', 'duration'], ['Codes', 'code_mode'], ['Edition', 'edition'],
    ['Upgrade', 'upgrade_policy'], ['', 'id', (v, m) => mayChange() ? el('button', { class: 'secondary', type: 'button',
      onclick: ev => { ev.stopPropagation(); guarded(async () => { await api('DELETE', '/mappings/' + v); flash('Product removed.'); connectorPage(id); }); } },
      'Remove') : '']], c.products, null, 'mappings'));
  if (mayChange()) {
    const add = el('form', { class: 'box inline', id: 'new-mapping', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      await api('POST', '/connectors/' + id + '/mappings', formValues(add));
      flash('Product added.');
      connectorPage(id);
    }); } },
      field('2Checkout product id', input('productId')),
      field('Product code', input('productCode')),
      field('Name', input('name', { required: true })),
      field('License', select('licenseType', ['perpetual', 'subscription'], 'perpetual')),
      field('Duration (P1Y, P1M)', input('duration', { size: 6 })),
      field('Codes', select('codeMode', ['per_unit', 'per_line'], 'per_unit')),
      field('Edition', input('edition', { size: 8 })),
      field('Max activations', input('maxActivations', { type: 'number', min: 1, value: 1 })),
      el('button', { type: 'submit' }, 'Add product'));
    nodes.push(add);
  }
  const result = el('div', { id: 'test-result' });
  const test = el('form', { class: 'box inline', id: 'send-test', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
    result.replaceChildren(el('p', { class: 'muted', text: 'Sending…' }));
    const r = await api('POST', '/connectors/' + id + '/test-notification', formValues(test));
    result.replaceChildren(el('p', {}, r.accepted ? 'Accepted: ' : 'Not accepted: ', r.call, ' → HTTP ' + r.httpStatus,
      r.problem ? ' — ' + r.problem : ''));
    if (r.accepted) await showTestLicenses(r.orderRef, result);
  }); } },
    field('Channel', select('channel', ['ipn', 'ins', 'keygen'], 'ipn')),
    el('button', { type: 'submit', id: 'send-test-button' }, 'Send test notification'));
  if (mayDiagnose()) {
    nodes.push(el('h2', { text: 'Send a test notification' }),
      el('p', { class: 'muted', text: 'A signed test order for this connector\'s first product goes through the connector\'s own endpoint. It only ever yields test licenses.' }),
      test, result);
  }
  render(...nodes);
}

// Where the connector's codes come from: the built-in generator's format, or the pool and its stock,
// with loading codes from a CSV file (read in the browser, posted as text).
async function codeSourceSection(c) {
  const pool = await api('GET', '/connectors/' + c.id + '/pool');
  const nodes = [el('h2', { text: 'License codes' }), el('dl', { class: 'facts', 'data-test': 'code-source' },
    [['Source', { builtin: 'built-in generator', pool: 'pool of loaded codes', remote: 'your license server: ' + c.code_source_uri,
      route: 'your route: ' + c.code_source_uri }[c.code_source]],
      ['Format', c.code_length + ' symbols' + (c.code_group ? ' in groups of ' + c.code_group : '') + ' from ' + c.code_alphabet],
      ['Pool: available', pool.available + ' (test: ' + pool.test_available + ')'], ['Pool: handed out', pool.taken + ' (test: ' + pool.test_taken + ')'],
      ['Low-stock alert below', pool.pool_low_stock || 'never']].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: fmt(v) })]))];
  if (mayChange()) {
    const settings = el('form', { class: 'box inline', id: 'code-settings', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      await api('PUT', '/connectors/' + c.id, formValues(settings));
      flash('Saved.');
      connectorPage(c.id);
    }); } },
      field('Source', select('codeSource', ['builtin', 'pool', 'remote', 'route'], c.code_source)),
      field('Server or route (remote, route)', input('codeSourceUri', { value: c.code_source_uri || '', size: 36,
        placeholder: 'https://licensing.example.com/codes or direct:my-codes' })),
      field('Server secret (remote)', input('codeSourceSecret', { type: 'password', autocomplete: 'new-password',
        placeholder: c.code_source_secret_set ? 'set (empty keeps it)' : 'whsec_...' })),
      field('Symbols', input('codeLength', { type: 'number', min: 1, value: c.code_length, size: 4 })),
      field('Group', input('codeGroup', { type: 'number', min: 0, value: c.code_group, size: 3 })),
      field('Alphabet', input('codeAlphabet', { value: c.code_alphabet, size: 34 })),
      field('Low-stock alert below', input('poolLowStock', { type: 'number', min: 0, value: c.pool_low_stock, size: 5 })),
      el('button', { type: 'submit' }, 'Save'));
    const file = el('input', { type: 'file', accept: '.csv,.txt,text/csv,text/plain', id: 'pool-file' });
    const testCodes = el('input', { type: 'checkbox', id: 'pool-test' });
    const upload = el('form', { class: 'box inline', id: 'pool-upload', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      if (!file.files.length) throw new Error('Choose a CSV file: one code per line (first column).');
      const text = await file.files[0].text();
      const r = await fetch('/api/connectors/' + c.id + '/pool' + (testCodes.checked ? '?test=true' : ''), { method: 'POST',
        credentials: 'same-origin', headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': state.csrf, 'Accept': 'application/json' }, body: text });
      const answer = await r.json();
      if (!r.ok) throw new Error(answer.error || 'HTTP ' + r.status);
      flash(answer.added + ' code(s) added; ' + answer.available + ' available.');
      connectorPage(c.id);
    }); } },
      field('Codes (CSV)', file), el('label', { class: 'check' }, testCodes, 'Test codes'),
      el('button', { type: 'submit', id: 'pool-upload-button' }, 'Load codes'));
    nodes.push(settings, upload);
  }
  return nodes;
}

async function showTestLicenses(order, into) {
  for (let i = 0; i < 40; i++) {
    const licenses = await api('GET', '/licenses?order=' + encodeURIComponent(order));
    if (licenses.length) {
      into.append(el('p', { text: 'The resulting license(s) of test order ' + order + ':' }),
        licenseTable(licenses, 'test-licenses'));
      return;
    }
    await new Promise(r => setTimeout(r, 250)); // processing follows the acknowledgement
  }
  into.append(el('p', { class: 'muted' }, 'No license yet for order ' + order + '; see ', el('a', { href: '#/notifications?order=' + order }, 'its notifications'), '.'));
}

// ------------------------------------------------------------------ licenses

const LICENSE_COLUMNS = [['Code', 'code', (v, r) => el('span', {}, v, r.test ? el('span', { class: 'test', text: ' test' }) : ''), 'code'],
  ['Status', 'status', v => status(v), 'status'], ['Product', 'product'], ['Connector', 'connector'], ['Order', 'order_ref', null, 'order'],
  ['Customer', 'customer_email', null, 'email'], ['Issued', 'issued_at', null, 'issued_at'], ['Expires', 'expires_at', null, 'expires_at']];

function licenseTable(rows, testId) {
  return table(LICENSE_COLUMNS, rows, l => go('#/license/' + l.id), testId);
}

async function licensesPage(params) {
  const [page, connectors] = await Promise.all([apiPage('/licenses?' + pageQuery(params)), api('GET', '/connectors')]);
  const form = el('form', { class: 'box inline', id: 'license-search', onsubmit: ev => {
    ev.preventDefault();
    const values = formValues(form);
    if (params.get('sort')) values.sort = params.get('sort');
    go('#/licenses?' + new URLSearchParams(values));
  } },
    field('Search', input('q', { value: params.get('q') || '', placeholder: 'code, order, name or email', size: 26, id: 'license-q' })),
    field('Connector', el('select', { name: 'connector', id: 'license-connector' }, el('option', { value: '' }, 'all'),
      connectors.map(c => el('option', { value: c.id, selected: String(c.id) === params.get('connector') }, c.name)))),
    field('Status', select('status', ['', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'REVOKED', 'EXPIRED'], params.get('status') || '')),
    field('Test or live', el('select', { name: 'test', id: 'license-test' }, [['', 'both'], ['false', 'live'], ['true', 'test']]
      .map(([v, label]) => el('option', { value: v, selected: v === (params.get('test') || '') }, label)))),
    field('Issued from', input('from', { type: 'date', value: params.get('from') || '' })),
    field('to', input('to', { type: 'date', value: params.get('to') || '' })),
    el('button', { type: 'submit' }, 'Search'));
  render(el('h1', { text: 'Licenses' }), form,
    ...pagedTable('#/licenses', params, LICENSE_COLUMNS, page, l => go('#/license/' + l.id), 'licenses'));
}

async function licensePage(id) {
  const l = await api('GET', '/licenses/' + id);
  const nodes = [el('h1', {}, l.code, l.test ? el('span', { class: 'test', text: ' test' }) : ''),
    el('dl', { class: 'facts', 'data-test': 'license' }, [['Status', status(l.status)], ['Reason', fmt(l.status_reason)],
      ['Product', l.product], ['Connector', l.connector], ['Order', el('a', { href: '#/notifications?order=' + l.order_ref }, l.order_ref)],
      ['Subscription', fmt(l.subscription_ref)], ['Customer', fmt(l.customer_name) + ' <' + fmt(l.customer_email) + '>'],
      ['Issued', fmt(l.issued_at)], ['Expires', fmt(l.expires_at)], ['Auto-renewing', fmt(l.renewing)]]
      .flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]))];
  if (mayChange()) {
    const reason = input('reason', { placeholder: 'Reason (required)', size: 40, id: 'reason' });
    const act = what => () => guarded(async () => {
      await api('POST', '/licenses/' + id + '/' + what, { reason: reason.value });
      flash('Done: ' + what + '.');
      licensePage(id);
    });
    nodes.push(el('div', { class: 'actions box' }, reason,
      el('button', { type: 'button', onclick: act('suspend') }, 'Suspend'),
      el('button', { type: 'button', class: 'danger', onclick: act('revoke') }, 'Revoke'),
      el('button', { type: 'button', class: 'secondary', onclick: act('reinstate') }, 'Reinstate')));
  }
  // The machines the buyer's application activated (the licensing API); a seat can be released by hand.
  nodes.push(el('h2', { text: 'Activations' }), table([['Machine', 'machine_name'], ['Fingerprint', 'fingerprint'],
    ['First seen', 'first_seen_at'], ['Last seen', 'last_seen_at'], ['Released', 'released_at', (v, a) => v ? fmt(v) + ' by ' + fmt(a.released_by)
      : mayChange() ? el('button', { type: 'button', class: 'secondary', 'data-test': 'release-' + a.id, onclick: () => guarded(async () => {
        await api('POST', '/licenses/' + id + '/activations/' + a.id + '/release');
        flash('Released: ' + (a.machine_name || a.fingerprint) + '.');
        licensePage(id);
      }) }, 'Release') : '—']], l.activations, null, 'activations'));
  nodes.push(el('h2', { text: 'History' }), table([['When', 'created_at'], ['Event', 'event'], ['From', 'from_status'],
    ['To', 'to_status'], ['Why', 'detail'], ['By', 'actor', (v, e) => v ? v : e.notification_id
      ? el('a', { href: '#/notification/' + e.notification_id }, e.channel + ' ' + e.message_type + ' #' + e.notification_id) : '—']],
  l.events, null, 'history'));
  // What was sent out about it: its events to the connector's destinations, and the order's IDN.
  nodes.push(el('h2', { text: 'Sent out' }), table([['Event', 'event_id'], ['Type', 'event_type'], ['Destination', 'destination'],
    ['Status', 'status', status], ['Attempts', 'attempts'], ['Last error', 'last_error'], ['Sent', 'sent_at']],
  l.deliveries, null, 'license-deliveries'));
  if (l.idn) {
    nodes.push(el('p', { 'data-test': 'license-idn' }, 'Delivery confirmation to 2Checkout (IDN) of order ' + l.order_ref + ': ',
      status(l.idn.status), l.idn.response_code ? ' (2Checkout answered ' + l.idn.response_code + ' ' + fmt(l.idn.response_message) + ')' : '',
      l.idn.last_error ? ' ' + l.idn.last_error : '', ' ',
      el('a', { href: '#/deliveries?' + new URLSearchParams({ 'idn-order': l.order_ref }) }, 'Deliveries')));
  }
  render(...nodes);
}

// ------------------------------------------------------------------ notifications

const NOTIFICATION_COLUMNS = [['#', 'id', null, 'id'], ['Received', 'received_at', null, 'received_at'], ['Vendor', 'vendor'],
  ['Channel', 'channel', null, 'channel'], ['Type', 'message_type', null, 'type'], ['Order', 'order_ref', null, 'order'],
  ['Status', 'status', v => status(v), 'status'],
  ['Outcome', 'outcome', (v, n) => n.error ? el('span', { class: 'status-FAILED', text: n.error }) : fmt(v)]];

async function notificationsPage(params) {
  const form = el('form', { class: 'box inline', id: 'notification-search', onsubmit: ev => {
    ev.preventDefault();
    const values = formValues(form);
    if (params.get('sort')) values.sort = params.get('sort');
    go('#/notifications?' + new URLSearchParams(values));
  } },
    field('Search', input('q', { value: params.get('q') || '', placeholder: 'order, message, invoice or error', size: 24 })),
    field('Channel', select('channel', ['', 'INS', 'IPN', 'LCN', 'KEYGEN'], params.get('channel') || '')),
    field('Type', input('type', { value: params.get('type') || '', size: 14 })),
    field('Status', select('status', ['', 'RECEIVED', 'PROCESSING', 'PROCESSED', 'IGNORED', 'PARKED', 'REJECTED', 'FAILED'], params.get('status') || '')),
    field('Order', input('order', { value: params.get('order') || '' })),
    field('From', input('from', { type: 'date', value: params.get('from') || '' })),
    field('To', input('to', { type: 'date', value: params.get('to') || '' })),
    el('button', { type: 'submit' }, 'Filter'));
  const page = await apiPage('/notifications?' + pageQuery(params));
  render(el('h1', { text: 'Notifications' }), form,
    ...pagedTable('#/notifications', params, NOTIFICATION_COLUMNS, page, n => go('#/notification/' + n.id), 'notifications'));
}

async function notificationPage(id) {
  const n = await api('GET', '/notifications/' + id);
  const preview = el('div', { id: 'replay-result' });
  const nodes = [el('h1', {}, n.channel + ' ' + (n.message_type || '') + ' #' + n.id),
    el('dl', { class: 'facts' }, [['Status', status(n.status)], ['Vendor', fmt(n.vendor)], ['Order', fmt(n.order_ref)],
      ['Received', fmt(n.received_at)], ['Processed', fmt(n.processed_at)], ['Answered', fmt(n.http_status)],
      ['Attempts', fmt(n.attempts)], ['Duplicates', fmt(n.duplicates)], ['From', fmt(n.remote_address)],
      ['Outcome', fmt(n.outcome)], ['Error', fmt(n.error)]].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)])),
    el('h2', { text: 'Verification' }), el('pre', { id: 'verification' }, fmt(n.verification)),
    el('h2', { text: 'Raw body' }), el('pre', { id: 'raw-body' }, n.raw_body || '')];
  if (n.status !== 'REJECTED' && mayDiagnose()) {
    nodes.push(el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', id: 'dry-run', onclick: () => guarded(async () => {
        const r = await api('POST', '/notifications/replay', { ids: [n.id], dryRun: true });
        const x = r.results[0];
        preview.replaceChildren(el('div', { class: 'box' }, el('p', {}, 'A replay would end ', status(x.wouldBe || x.why || '?'), ': ', x.summary || x.why || ''),
          x.licenseChanges && x.licenseChanges.length ? table([['License', 'license'], ['Status', 'status'], ['Expiry', 'expires']], x.licenseChanges)
            : el('p', { class: 'muted', text: 'No license would change.' })));
      }) }, 'Dry run'),
      el('button', { type: 'button', id: 'replay', onclick: () => guarded(async () => {
        const r = await api('POST', '/notifications/replay', { ids: [n.id] });
        if (r.results[0].queued) { flash('Queued again.'); setTimeout(() => notificationPage(id), 800); }
        else flash(r.results[0].why, true);
      }) }, 'Replay')), preview);
  }
  if (n.events && n.events.length) {
    nodes.push(el('h2', { text: 'License changes' }), table([['License', 'code'], ['Event', 'event'], ['From', 'from_status'],
      ['To', 'to_status'], ['Why', 'detail']], n.events, e => go('#/license/' + e.license_id)));
  }
  render(...nodes);
}

async function deadLetterPage(params) {
  const query = pageQuery(params);
  query.set('status', 'FAILED');
  const page = await apiPage('/notifications?' + query);
  const result = el('div', { id: 'dead-letter-result' });
  render(el('h1', { text: 'Dead letter' }),
    el('p', { class: 'muted', text: 'Notifications whose processing failed. Fix the cause (a product mapping, a disabled connector), look at what a replay would do, then replay.' }),
    !mayDiagnose() ? '' : el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => guarded(async () => {
        const r = await api('POST', '/notifications/replay', { status: 'FAILED', dryRun: true });
        result.replaceChildren(table([['#', 'id'], ['Would be', 'wouldBe'], ['What', 'summary']], r.results));
      }) }, 'Dry run all'),
      el('button', { type: 'button', onclick: () => guarded(async () => {
        const r = await api('POST', '/notifications/replay', { status: 'FAILED' });
        flash(r.results.filter(x => x.queued).length + ' notification(s) queued again.');
        setTimeout(() => deadLetterPage(params), 1000);
      }) }, 'Replay all')),
    result, ...pagedTable('#/dead-letter', params, NOTIFICATION_COLUMNS, page, n => go('#/notification/' + n.id), 'dead-letter'));
}

// ------------------------------------------------------------------ vendors, users, export

function supportAccess(v) {
  if (!v.support_granted_at) return 'not granted';
  return 'granted by ' + v.support_granted_by + (v.support_until ? ' until ' + fmt(v.support_until) : ', until revoked');
}

async function vendorsPage() {
  const vendors = await api('GET', '/vendors');
  const set = v => v ? 'set' : 'not set';
  const nodes = [el('h1', { text: 'Vendors' }), table([['Code', 'code'], ['Name', 'name'], ['INS vendor id', 'ins_vendor_id'],
    ['Merchant code', 'merchant_code'], ['Contact', 'contact_email'], ['Secret word', 'secret_word_set', set],
    ['Secret key', 'secret_key_set', set], ['Previous key', 'secret_key_previous_set', set], ['IDN', 'idn_enabled'],
    ['Support access', 'support_granted_at', (x, v) => supportAccess(v)]], vendors, null, 'vendors'),
  el('p', { class: 'muted', text: 'Secrets are write-only: nobody can read them back, here or through the API.' })];
  if (isAdmin()) {
    const create = el('form', { class: 'box inline', id: 'new-vendor', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      const v = await api('POST', '/vendors', formValues(create));
      flash('Vendor "' + v.name + '" created. Give it a connector, then its own admin on the Users page.');
      vendorsPage();
    }); } },
      field('Code', input('code', { required: true, placeholder: 'initech', id: 'new-vendor-code' })),
      field('Name', input('name', { required: true, id: 'new-vendor-name' })),
      field('Contact email', input('contactEmail', { type: 'email', required: true, id: 'new-vendor-email' })),
      field('Merchant code (IPN, LCN, key generator)', input('merchantCode')),
      field('INS vendor id', input('insVendorId', { size: 10 })),
      field('Secret key', input('secretKey', { type: 'password', autocomplete: 'new-password' })),
      field('Secret word (INS)', input('secretWord', { type: 'password', autocomplete: 'new-password' })),
      el('button', { type: 'submit', id: 'create-vendor' }, 'Create vendor'));
    nodes.push(el('h2', { text: 'New vendor' }), create);
  }
  if (mayChange() && vendors.length) {
    const form = el('form', { class: 'box inline', id: 'vendor-secrets', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      const values = formValues(form);
      const id = values.id; delete values.id;
      await api('PUT', '/vendors/' + id, values);
      form.reset();
      flash('Vendor saved.');
      vendorsPage();
    }); } },
      field('Vendor', el('select', { name: 'id' }, vendors.map(v => el('option', { value: v.id }, v.name)))),
      field('Contact email', input('contactEmail')),
      field('Confirm fulfilment to 2Checkout (IDN)', el('select', { name: 'idn' }, el('option', { value: '' }, 'unchanged'),
        el('option', { value: 'true' }, 'yes'), el('option', { value: 'false' }, 'no'))),
      field('New secret word', input('secretWord', { type: 'password', autocomplete: 'new-password' })),
      field('New secret key', input('secretKey', { type: 'password', autocomplete: 'new-password' })),
      field('Previous secret key', input('secretKeyPrevious', { type: 'password', autocomplete: 'new-password' })),
      el('button', { type: 'submit' }, 'Save'));
    nodes.push(el('h2', { text: 'Change a vendor' }), el('p', { class: 'muted', text: 'Empty fields keep their value.' }), form);
    // The vendor's side of support: the operator's support team sees a vendor only while it grants access.
    const until = input('until', { type: 'date', id: 'support-until' });
    nodes.push(el('h2', { text: 'Access for the operator\'s support team' }),
      el('p', { class: 'muted', text: 'Support reads a vendor\'s connectors, licenses and notifications, replays and sends test notifications, '
        + 'and changes nothing, only while the vendor grants access. A revocation takes effect on their next click.' }),
      el('div', { class: 'box inline' }, field('Until (optional, through that day)', until)),
      table([['Vendor', 'name'], ['Access', 'support_granted_at', (x, v) => el('span', { 'data-test': 'support-' + v.code }, supportAccess(v))],
        ['', 'id', (id, v) => el('span', { class: 'actions' },
          el('button', { type: 'button', 'data-grant': v.code, onclick: () => guarded(async () => {
            await api('PUT', '/vendors/' + id + '/support-access', until.value ? { until: until.value } : {});
            flash('Support may see ' + v.name + (until.value ? ' through ' + until.value : ' until you revoke it') + '.');
            vendorsPage();
          }) }, v.support_granted_at ? 'Grant again' : 'Grant'),
          v.support_granted_at ? el('button', { type: 'button', class: 'danger', 'data-revoke': v.code, onclick: () => guarded(async () => {
            await api('DELETE', '/vendors/' + id + '/support-access');
            flash('Support no longer sees ' + v.name + '.');
            vendorsPage();
          }) }, 'Revoke') : '')]], vendors, null, 'support-access'));
  }
  render(...nodes);
}

const VENDOR_ROLES = ['vendor-viewer', 'vendor-admin'];

async function usersPage() {
  const [users, vendors] = await Promise.all([api('GET', '/users'), api('GET', '/vendors')]);
  const roles = isAdmin() ? ['support', 'admin', ...VENDOR_ROLES] : VENDOR_ROLES;
  const vendorList = el('select', { name: 'vendorIds', multiple: true, id: 'new-user-vendors', size: Math.min(4, Math.max(2, vendors.length)) },
    vendors.map((v, i) => el('option', { value: v.id, selected: vendors.length === 1 && i === 0 }, v.name)));
  const role = select('role', roles, roles[0]);
  role.id = 'new-user-role';
  const showVendors = () => { vendorList.parentElement.hidden = !VENDOR_ROLES.includes(role.value); };
  role.addEventListener('change', showVendors);
  const form = el('form', { class: 'box inline', id: 'new-user', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
    const values = formValues(form);
    delete values.vendorIds;
    if (VENDOR_ROLES.includes(values.role)) values.vendorIds = [...vendorList.selectedOptions].map(o => Number(o.value));
    await api('POST', '/users', values);
    flash('User created.');
    usersPage();
  }); } },
    field('Username', input('username', { required: true, id: 'new-username' })),
    field('Password (12+ characters)', input('password', { type: 'password', required: true, autocomplete: 'new-password', id: 'new-password' })),
    field('Role', role),
    field('Vendor(s)', vendorList),
    el('button', { type: 'submit', id: 'create-user' }, 'Create user'));
  render(el('h1', { text: 'Users' }), table([['Username', 'username'], ['Role', 'role'], ['Vendors', 'vendors'], ['Created by', 'created_by'],
    ['Created', 'created_at'], ['Locked', 'locked'], ['Disabled', 'disabled_at'],
    ['', 'id', (v, u) => u.username === state.user.username || u.disabled_at ? '' :
      el('button', { type: 'button', class: 'danger', 'data-remove': u.username, onclick: () => guarded(async () => {
        await api('DELETE', '/users/' + v);
        flash('User ' + u.username + ' disabled; their sessions ended.');
        usersPage();
      }) }, 'Disable')]], users, null, 'users'),
  el('h2', { text: 'New user' }),
  el('p', { class: 'muted', text: (isAdmin() ? 'admin: the operator, every vendor. support: the operator\'s support team, the vendors that grant it access; reads, replays, sends test notifications, changes nothing. ' : '')
    + 'vendor-admin: the vendor\'s configuration, licenses and users. vendor-viewer: reads them. Disable a user at any time; they are locked out at once and stay named in the audit log.' }),
  form);
  showVendors();
}

async function exportPage() {
  const yaml = await api('GET', '/config/export');
  render(el('h1', { text: 'Export the configuration' }),
    el('p', { class: 'muted', text: 'config/connectors.yaml seeds the database; the panel edits it. Write the panel\'s state to connectors.exported.yaml beside it, review the changes, then move it into place (secrets stay out of it, as the ${env:...} references the file had).' }),
    el('div', { class: 'actions' }, el('button', { type: 'button', onclick: () => guarded(async () => {
      const r = await api('POST', '/config/export', {});
      flash('Written to ' + r.written + (r.changes.length ? ' (' + r.changes.length + ' change(s), listed below)' : ' (no change)'));
      document.getElementById('export-changes').replaceChildren(...r.changes.map(c => el('li', { text: c })));
    }) }, 'Write to connectors.exported.yaml')),
    el('ul', { id: 'export-changes' }),
    el('pre', { id: 'export' }, yaml));
}

// ------------------------------------------------------------------ reports

const KINDS = [['Sales', 'sales'], ['Renewals', 'renewals'], ['Failed renewals', 'failedRenewals'], ['Refunds', 'refunds'],
  ['Chargebacks', 'chargebacks']];

// One kind of fact in a report row: the amount (an exact decimal string; "unpriced" when no line had a
// price, with how many lacked one when some did), then lines and units.
function figure(f) {
  if (!f || f.lines === 0) return el('span', { class: 'muted', text: '—' });
  const amount = f.amount === null ? el('span', { class: 'unpriced', text: 'unpriced' })
    : f.unpriced ? el('span', {}, f.amount, el('span', { class: 'unpriced', text: ' + ' + f.unpriced + ' unpriced' })) : f.amount;
  return el('span', {}, amount, el('span', { class: 'muted', text: ' (' + f.lines + ' · ' + f.quantity + ' u)' }));
}

const CHART_COLOURS = ['#2a5bd7', '#1f7a33', '#b42323', '#9a6200', '#6b3fb5', '#0f7c8c'];

// A line chart of values per day (uPlot, served by the connector from its WebJar), drawn into a box.
function dayChart(testId, title, days, series) {
  const box = el('div', { class: 'chart box', 'data-test': testId }, el('h3', { text: title }));
  if (typeof uPlot === 'undefined') {
    box.append(el('p', { class: 'muted', text: 'The chart library did not load.' }));
    return box;
  }
  const x = days.map(d => Date.parse(d + 'T00:00:00Z') / 1000);
  const opts = { width: Math.min(1100, (main().clientWidth || 900) - 40), height: 220, tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: CHART_COLOURS[i % CHART_COLOURS.length], width: 2,
      points: { show: days.length <= 62 } }))],
    axes: [{}, { size: 60 }], legend: { show: true } };
  new uPlot(opts, [x, ...series.map(s => s.values)], box);
  return box;
}

async function reportsPage(params) {
  const form = el('form', { class: 'box inline', id: 'report-filter', onsubmit: ev => {
    ev.preventDefault(); go('#/reports?' + new URLSearchParams(formValues(form)));
  } },
    field('From', input('from', { type: 'date', value: params.get('from') || '' })),
    field('To', input('to', { type: 'date', value: params.get('to') || '' })),
    field('Product', input('product', { value: params.get('product') || '', size: 14, placeholder: 'code or id' })),
    field('Group by', select('groupBy', ['period', 'day', 'month'], params.get('groupBy') || 'period')),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'includeTest', checked: params.get('includeTest') === 'true' }),
      'Include test orders'),
    el('button', { type: 'submit' }, 'Show'));
  const q = new URLSearchParams(params);
  const [sales, subs, perDay, activations, daily] = await Promise.all([api('GET', '/reports/sales?' + q), api('GET', '/reports/subscriptions?' + q),
    api('GET', '/reports/licenses-per-day?' + q), api('GET', '/reports/activations-per-day?' + q), api('GET', '/reports/daily?' + q)]);
  const charts = el('div', { class: 'charts' },
    dayChart('chart-licenses', 'Licenses issued per day', daily.days, [{ label: 'licenses', values: daily.licenses }]),
    dayChart('chart-revenue', 'Net revenue per day, per currency', daily.days, Object.entries(daily.revenue).map(([currency, amounts]) =>
      ({ label: currency, values: amounts.map(a => a === null ? 0 : Number(a)) }))),
    dayChart('chart-failures', 'Failed and rejected notifications per day', daily.days,
      [{ label: 'failed', values: daily.failed }, { label: 'rejected', values: daily.rejected }]));
  const unpriced = daily.unpriced.reduce((a, b) => a + b, 0);
  const csv = new URLSearchParams();
  for (const k of ['from', 'to', 'product', 'includeTest']) if (params.get(k)) csv.set(k, params.get(k));
  if (!csv.get('from')) csv.set('from', sales.from);
  if (!csv.get('to')) csv.set('to', sales.to);
  render(el('h1', { text: 'Reports' }), form,
    el('p', { class: 'muted' }, 'From ' + sales.from + ' to ' + sales.to + ' (UTC days, both included)',
      sales.includeTest ? ', test orders included.' : ', test orders left out.'),
    el('div', { class: 'actions' }, el('a', { id: 'csv-download', class: 'button', href: '/api/reports/facts.csv?' + csv },
      'Download the order facts (CSV)')),
    charts,
    unpriced ? el('p', { class: 'muted', 'data-test': 'unpriced-note' }, unpriced + ' line(s) of the period came without a price '
      + '(the key generator does not send one): counted as lines, not as revenue.') : '',
    el('h2', { text: 'Sales and refunds per product' }),
    table([['Period', 'period'], ['Product', 'product', (v, r) => (v || '—') + (r.productCode ? ' (' + r.productCode + ')' : '')],
      ['Currency', 'currency'], ...KINDS.map(([label, key]) => [label, key, v => figure(v)]), ['Net', 'net']],
    sales.rows, null, 'sales'),
    el('h2', { text: 'Totals per currency' }),
    table([['Currency', 'currency'], ...KINDS.map(([label, key]) => [label, key, v => figure(v)]), ['Net', 'net']],
      sales.totals, null, 'sales-totals'),
    sales.futureDated.length ? el('div', { 'data-test': 'future-dated' }, el('h2', { text: 'Dated after now' }),
      el('p', { class: 'muted', text: 'These facts carry a date later than now (a sender\'s clock ahead, or a mistyped date). '
        + 'They are left out of every figure above until their time comes.' }),
      table([['Dated', 'occurred_at'], ['Recorded', 'recorded_at'], ['Vendor', 'vendor'], ['Kind', 'kind'], ['Order', 'order_ref'],
        ['Product', 'product_code'], ['Amount', 'amount', (v, f) => v === null ? el('span', { class: 'unpriced', text: 'unpriced' }) : v + ' ' + (f.currency || '')]],
      sales.futureDated, null, 'future-dated-facts')) : '',
    el('h2', { text: 'Subscriptions now' }),
    table([['Product', 'product'], ['Active', 'active'], ['Past due', 'pastDue'], ['Suspended', 'suspended'], ['Expired', 'expired'],
      ['Revoked', 'revoked'], ['Total', 'total']], subs.rows, null, 'subscriptions'),
    el('h2', { text: 'Licenses issued per day' }),
    table([['Day', 'day'], ['Product', 'product'], ['Issued', 'issued']], perDay.rows, null, 'licenses-per-day'),
    el('h2', { text: 'Machines activated per day' }),
    table([['Day', 'day'], ['Product', 'product'], ['Activated', 'activated'], ['Released since', 'releasedSince']],
      activations.rows, null, 'activations-per-day'));
}

// ------------------------------------------------------------------ license signing keys

async function keysPage() {
  const keys = await api('GET', '/licensing/keys');
  const nodes = [el('h1', { text: 'License signing keys' }),
    el('p', { class: 'muted' }, 'Ed25519 keys that sign the license documents of the licensing API. Applications verify them with ',
      el('a', { href: '/.well-known/jwks.json', id: 'jwks-link' }, '/.well-known/jwks.json'),
      ', which publishes every key below; a rotated key stays published, so documents signed with it keep verifying.'),
    table([['Key id (kid)', 'kid'], ['Public key (x, base64url)', 'publicKey'], ['Signs now', 'signing'],
      ['Stored encrypted', 'encrypted'], ['Created', 'createdAt'], ['Retired', 'retiredAt']], keys, null, 'signing-keys')];
  if (isAdmin()) {
    nodes.push(el('div', { class: 'actions' }, el('button', { type: 'button', id: 'rotate-key', onclick: () => guarded(async () => {
      await api('POST', '/licensing/keys/rotate');
      flash('A new key signs from now on.');
      keysPage();
    }) }, 'Rotate: make a new signing key')));
  }
  render(...nodes);
}

// ------------------------------------------------------------------ deliveries: events and IDN

// A Standard Webhooks secret, made here in the browser: shown once, sent to the server, never read back.
function newWebhookSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return 'whsec_' + btoa(String.fromCharCode(...bytes));
}

async function deliveriesPage(params) {
  const [destinations, events, idn, connectors] = await Promise.all([api('GET', '/event-destinations'),
    apiPage('/events?' + listQuery(params, '', ['status'])), apiPage('/idn?' + listQuery(params, 'idn-', ['status', 'order'])),
    api('GET', '/connectors')]);
  const replay = (label, path, after) => !mayDiagnose() ? '' : el('button', { type: 'button', onclick: ev => { ev.stopPropagation(); guarded(async () => {
    await api('POST', path); flash(after); deliveriesPage(params);
  }); } }, label);
  const nodes = [el('h1', { text: 'Deliveries' }),
    el('p', { class: 'muted', text: 'License events to your own systems, and delivery confirmations (IDN) to 2Checkout. '
      + 'Both are sent after the change is committed, retried with back-off, and kept here with what became of them.' }),
    el('h2', { text: 'Event destinations' }),
    table([['Connector', 'connector'], ['Name', 'name'], ['Endpoint', 'uri'], ['Types', 'event_types'], ['Enabled', 'enabled'],
      ['Secret', 'secret_set', v => v ? 'set' : 'none'], ['Rotating', 'secret_previous_set'], ['Pending', 'pending'],
      ['Failed', 'failed'], ['Last sent', 'last_sent_at'],
      ['', 'id', (id, d) => d.failed > 0 ? replay('Replay failed', '/event-destinations/' + id + '/replay', 'Failed deliveries queued again.') : '']],
      destinations, null, 'destinations')];
  if (mayChange()) {
    const secret = input('secret', { id: 'destination-secret', readonly: true, size: 50 });
    const form = el('form', { class: 'box inline', id: 'destination-form', onsubmit: ev => { ev.preventDefault(); guarded(async () => {
      const values = formValues(form);
      await api('POST', '/event-destinations', values);
      flash('Destination added. Copy its secret now: it is not shown again.');
      deliveriesPage(params);
    }); } },
      field('Connector', el('select', { name: 'connectorId' }, connectors.map(c => el('option', { value: c.id }, c.name)))),
      field('Name', input('name', { required: true })),
      field('Endpoint URI', input('uri', { required: true, placeholder: 'https://crm.example.com/hooks/2checkout', size: 40 })),
      field('Types', input('types', { placeholder: '* (all), or license.issued,license.revoked' })),
      field('Secret (webhooks)', secret),
      el('button', { type: 'button', id: 'destination-new-secret', onclick: () => { secret.value = newWebhookSecret(); } }, 'Make a secret'),
      el('button', { type: 'submit' }, 'Add'));
    nodes.push(el('h2', { text: 'Add a destination' }),
      el('p', { class: 'muted', text: 'An http(s) endpoint receives signed webhooks (Standard Webhooks); give the receiver the secret. '
        + 'Any other Camel endpoint (kafka:, jms:, file:, direct:) works with its component on the class path.' }), form);
  }
  nodes.push(el('h2', { text: 'Events' }),
    el('p', {}, el('a', { href: '#/deliveries?status=FAILED' }, 'Failed only'), ' · ', el('a', { href: '#/deliveries' }, 'All')),
    ...pagedTable('#/deliveries', params, [['Id', 'event_id'], ['Type', 'event_type', null, 'event_type'], ['Destination', 'destination'],
      ['Status', 'status', status, 'status'], ['Attempts', 'attempts'], ['Last error', 'last_error'], ['Queued', 'created_at', null, 'created_at'],
      ['Sent', 'sent_at', null, 'sent_at'],
      ['', 'id', (id, e) => e.status === 'PENDING' ? '' : replay('Replay', '/events/' + id + '/replay', 'Event queued again.')]],
      events, e => e.license_id ? go('#/license/' + e.license_id) : null, 'events'),
    el('h2', { text: 'Delivery confirmations to 2Checkout (IDN)' }),
    el('p', {}, el('a', { href: '#/deliveries?idn-status=WAITING' }, 'Waiting'), ' · ',
      el('a', { href: '#/deliveries?idn-status=FAILED' }, 'Failed only'), ' · ', el('a', { href: '#/deliveries' }, 'All')),
    ...pagedTable('#/deliveries', params, [['Vendor', 'vendor'],
      ['Order', 'order_ref', v => el('a', { href: '#/notifications?order=' + v }, v), 'order_ref'],
      ['Amount', 'order_amount'], ['Currency', 'order_currency'], ['Status', 'status', status], ['Attempts', 'attempts'],
      ['2Checkout answered', 'response_message', (v, o) => o.response_code ? o.response_code + ' ' + (v || '') : '—'],
      ['Last error', 'last_error'], ['Confirmed', 'confirmed_at', null, 'confirmed_at'],
      ['', 'id', (id, o) => o.status === 'FAILED' ? replay('Retry', '/idn/' + id + '/retry', 'Confirmation queued again.') : '']],
      idn, null, 'idn', 'idn-'));
  render(...nodes);
}

// ------------------------------------------------------------------ audit log

async function auditPage(params) {
  const filter = {};
  for (const k of ['actor', 'action', 'from', 'to', 'q']) if (params.get(k)) filter[k] = params.get(k);
  const page = await apiPage('/audit?' + pageQuery(params));
  const form = el('form', { class: 'box inline', id: 'audit-search', onsubmit: ev => {
    ev.preventDefault(); go('#/audit?' + new URLSearchParams(formValues(form)));
  } },
    field('Who', input('actor', { value: filter.actor || '' })), field('Action', input('action', { value: filter.action || '' })),
    field('From', input('from', { type: 'date', value: filter.from || '' })), field('To', input('to', { type: 'date', value: filter.to || '' })),
    field('Text', input('q', { value: filter.q || '' })), el('button', { type: 'submit' }, 'Search'));
  render(el('h1', { text: 'Audit log' }),
    el('p', { class: 'muted', text: 'Logins and every change made through the panel or the API, with who made it and the answer it got. '
      + 'Requests are kept with their secrets masked. Nothing here can be changed or removed from the application.'
      + (isAdmin() ? '' : ' You see what concerns your vendors, and your users\' logins.') }),
    form,
    el('div', { class: 'actions' }, el('a', { class: 'button', href: '/api/audit.csv?' + new URLSearchParams(filter), id: 'audit-csv' }, 'Download as CSV')),
    ...pagedTable('#/audit', params, [['When', 'at', null, 'at'], ['Who', 'actor', null, 'actor'], ['Role', 'role'], ['Action', 'action', null, 'action'],
      ['On', 'target'], ['Answer', 'outcome', null, 'outcome'], ['From', 'address'], ['Request', 'detail']], page, null, 'audit'));
}

// ------------------------------------------------------------------ routing

async function route() {
  if (!state.user) return;
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  for (const a of document.querySelectorAll('header nav a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + parts[0]);
  await guarded(async () => {
    switch (parts[0]) {
      case 'connector': return connectorPage(parts[1]);
      case 'licenses': return licensesPage(params);
      case 'license': return licensePage(parts[1]);
      case 'notifications': return notificationsPage(params);
      case 'notification': return notificationPage(parts[1]);
      case 'dead-letter': return deadLetterPage(params);
      case 'reports': return reportsPage(params);
      case 'keys': return keysPage();
      case 'deliveries': return deliveriesPage(params);
      case 'vendors': return vendorsPage();
      case 'users': return usersPage();
      case 'audit': return auditPage(params);
      case 'export': return exportPage();
      default: return connectorsPage();
    }
  });
}

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('DELETE', '/session'); } catch (e) { /* ends anyway */ }
    state.user = null; state.csrf = null;
    location.hash = '#/login';
    showLogin();
  });
  try {
    const s = await api('GET', '/session');
    state.user = s; state.csrf = s.csrfToken;
    enter();
  } catch (e) {
    showLogin();
  }
});
