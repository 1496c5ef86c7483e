// Customers: users with their Stripe customer and role (changeable, audited); one user's subscriptions, invoices
// (PDF through Tally's proxy) and live usage; the audit log.
import { getJson, send } from '../api.js';
import { el, section, empty, failure, table } from '../dom.js';
import { money, number, date, dateTime } from '../format.js';

const ROLES = ['viewer', 'editor', 'admin'];

export async function render(main) {
  const params = new URLSearchParams(window.location.search);
  const status = el('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const search = el('form', { class: 'controls', method: 'get', action: '/dashboard/customers', 'aria-label': 'Find users' },
    el('label', { for: 'q' }, 'Email contains'),
    el('input', { id: 'q', name: 'q', type: 'search', value: params.get('q') ?? '' }),
    el('label', { for: 'role-filter' }, 'Role'),
    el('select', { id: 'role-filter', name: 'role' }, ['', ...ROLES].map(r => el('option', { value: r, selected: (params.get('role') ?? '') === r }, r || 'Any'))),
    el('button', { type: 'submit' }, 'Find'));
  main.replaceChildren(el('h1', {}, 'Customers'), search, status);
  const users = section('Users');
  const detail = section('Customer');
  const audit = section('Audit log');
  main.append(users, detail, audit);
  const selected = params.get('user');
  await Promise.all([renderUsers(users, params, status), selected ? renderDetail(detail, selected) : renderHint(detail), renderAudit(audit)]);
}

function renderHint(card) {
  card.append(empty('Choose a user ("Details") to see their subscriptions, invoices and usage this period.'));
}

async function renderUsers(card, params, status) {
  const query = new URLSearchParams({ limit: '50' });
  for (const name of ['q', 'role', 'cursor']) if (params.get(name)) query.set(name, params.get(name));
  let page;
  try {
    page = await getJson(`/api/admin/users?${query}`);
  } catch (error) {
    card.append(failure(error));
    return;
  }
  if (page.data.length === 0) {
    card.append(empty('No users match. Users appear on their first API request with a token (or with `users set-role`).'));
    return;
  }
  card.append(table('Users', ['User', 'Email', 'Stripe customer', 'Role', ''], page.data.map(u => {
    const select = el('select', { id: `role-${u.id}`, 'aria-label': `Role of ${u.email ?? u.id}` },
      ROLES.map(r => el('option', { value: r, selected: u.role === r }, r)));
    const save = el('button', {
      type: 'button', class: 'secondary',
      onclick: async () => {
        save.disabled = true;
        try {
          const answer = await send('PUT', `/api/admin/users/${u.id}/role`, { role: select.value });
          status.textContent = `${u.email ?? u.id} is now ${answer.role}.`;
          window.location.reload();
        } catch (error) {
          status.textContent = `Role change failed: ${error.message}`;
          save.disabled = false;
        }
      },
    }, 'Save role');
    const detailLink = new URLSearchParams(params);
    detailLink.set('user', u.id);
    return el('tr', { 'data-user': u.id },
      el('td', {}, number(u.id, 0)), el('td', {}, u.email ?? '—'), el('td', {}, u.stripe_customer_id ? el('code', {}, u.stripe_customer_id) : '—'),
      el('td', {}, el('span', { class: 'role-edit' }, select, save)),
      el('td', {}, el('a', { href: `/dashboard/customers?${detailLink}` }, 'Details')));
  })));
  if (page.has_more) {
    const next = new URLSearchParams(params);
    next.set('cursor', page.next_cursor);
    card.append(el('nav', { class: 'pager', 'aria-label': 'Pages' }, el('a', { href: `/dashboard/customers?${next}`, rel: 'next' }, 'Next page')));
  }
}

async function renderDetail(card, id) {
  let u;
  try {
    u = await getJson(`/api/admin/users/${encodeURIComponent(id)}`);
  } catch (error) {
    card.append(failure(error));
    return;
  }
  card.querySelector('h2').textContent = `Customer: ${u.email ?? u.id}`;
  card.append(el('dl', { class: 'facts' },
    el('dt', {}, 'Role'), el('dd', {}, u.role), el('dt', {}, 'Stripe customer'), el('dd', {}, u.stripe_customer_id ?? 'none yet'),
    el('dt', {}, 'Since'), el('dd', {}, date(u.created_at))));
  card.append(el('h3', {}, 'Subscriptions'));
  card.append(u.subscriptions.data.length === 0 ? empty('No subscriptions.') : table('Subscriptions of this user', ['Subscription', 'Status', 'MRR', 'Period ends'],
    u.subscriptions.data.map(s => el('tr', {}, el('td', {}, el('code', {}, s.subscription_id)), el('td', {}, s.status),
      el('td', {}, s.mrr === null ? '—' : money(s.mrr, s.currency ?? 'usd')), el('td', {}, date(s.current_period_end))))));
  card.append(el('h3', {}, 'Invoices'));
  card.append(u.invoices.data.length === 0 ? empty('No invoices yet.') : table('Invoices of this user', ['Invoice', 'Status', 'Total', 'Paid', 'Created', 'PDF'],
    u.invoices.data.map(i => el('tr', {}, el('td', {}, i.number ?? i.stripe_invoice_id), el('td', {}, i.status),
      el('td', {}, money(minor(i.total, i.currency), i.currency)), el('td', {}, money(minor(i.amount_paid, i.currency), i.currency)),
      el('td', {}, date(i.created)), el('td', {}, i.pdf_url ? el('a', { href: i.pdf_url }, 'PDF') : '—')))));
  card.append(el('h3', {}, 'Usage this period'));
  card.append(u.usage.length === 0 ? empty('No metered usage this period: POST /api/billing/report_usage.') : table('Usage this period', ['Meter', 'Period', 'Recorded', 'Delivered', 'Pending', 'Stripe total', 'Estimated'],
    u.usage.map(x => el('tr', {}, el('td', {}, x.meter_event_name), el('td', {}, `${date(x.period_start)} – ${date(x.period_end)}`),
      el('td', {}, number(x.local_total)), el('td', {}, number(x.delivered_total)), el('td', {}, number(x.pending_total)),
      el('td', {}, number(x.stripe_total)), el('td', {}, x.estimated_amount === null ? '—' : money(minor(x.estimated_amount, x.currency), x.currency))))));
}

// Stripe's minor units per currency, as the server's Money.Exponent: zero-decimal, three-decimal, else cents.
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

function minor(amount, currency) {
  return ZERO_DECIMAL.has(currency) ? amount : THREE_DECIMAL.has(currency) ? amount / 1000 : amount / 100;
}

async function renderAudit(card) {
  let page;
  try {
    page = await getJson('/api/admin/audit?limit=20');
  } catch (error) {
    card.append(failure(error));
    return;
  }
  if (page.data.length === 0) {
    card.append(empty('Nothing audited yet: role changes and customer links appear here.'));
    return;
  }
  card.append(table('Audit log, newest first', ['When', 'Who', 'Action', 'Target', 'From', 'To'], page.data.map(a => el('tr', { 'data-audit': a.id },
    el('td', {}, dateTime(a.at)), el('td', {}, a.actor.email ?? a.actor.name), el('td', {}, a.action),
    el('td', {}, `${a.target_type} ${a.target_id}`), el('td', {}, a.old_value ?? '—'), el('td', {}, a.new_value ?? '—')))));
}
