// Subscriptions: the admin list with filters, sort, cursor paging, each row's MRR and status; CSV export.
import { getJson } from '../api.js';
import { el, section, empty, failure, table } from '../dom.js';
import { money, date } from '../format.js';

const STATUSES = ['', 'active', 'trialing', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused'];
const FILTERS = ['status', 'email', 'customer', 'price', 'currency', 'created_gte', 'created_lt', 'sort', 'limit'];

function field(id, label, input) {
  return el('div', { class: 'field' }, el('label', { for: id }, label), input);
}

export async function render(main) {
  const params = new URLSearchParams(window.location.search);
  const value = name => params.get(name) ?? '';
  const form = el('form', { class: 'controls filters', method: 'get', action: '/dashboard/subscriptions', 'aria-label': 'Filter subscriptions' },
    field('status', 'Status', el('select', { id: 'status', name: 'status' },
      STATUSES.map(s => el('option', { value: s, selected: value('status') === s }, s === '' ? 'Any' : s.replace('_', ' '))))),
    field('email', 'Customer email', el('input', { id: 'email', name: 'email', type: 'email', value: value('email') })),
    field('customer', 'Stripe customer', el('input', { id: 'customer', name: 'customer', placeholder: 'cus_…', value: value('customer') })),
    field('price', 'Price', el('input', { id: 'price', name: 'price', placeholder: 'price_…', value: value('price') })),
    field('currency', 'Currency', el('input', { id: 'currency', name: 'currency', size: 4, placeholder: 'usd', value: value('currency') })),
    field('created_gte', 'Created from', el('input', { id: 'created_gte', name: 'created_gte', type: 'date', value: value('created_gte') })),
    field('created_lt', 'Created before', el('input', { id: 'created_lt', name: 'created_lt', type: 'date', value: value('created_lt') })),
    field('sort', 'Sort', el('select', { id: 'sort', name: 'sort' },
      el('option', { value: '-created', selected: value('sort') !== 'created' }, 'Newest first'),
      el('option', { value: 'created', selected: value('sort') === 'created' }, 'Oldest first'))),
    el('button', { type: 'submit' }, 'Apply'),
    el('a', { href: '/dashboard/subscriptions' }, 'Clear'));

  main.replaceChildren(el('h1', {}, 'Subscriptions'), form,
    el('p', {}, el('a', { href: '/api/admin/revenue/export.csv', download: 'tally-revenue.csv' }, 'Export revenue as CSV')));

  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const v = value(name);
    if (v) query.set(name, name.startsWith('created') ? `${v}T00:00:00Z` : v);
  }
  query.set('limit', value('limit') || '25');
  if (params.get('cursor')) query.set('cursor', params.get('cursor'));

  const card = section('Subscriptions');
  main.append(card);
  let page;
  try {
    page = await getJson(`/api/admin/subscriptions?${query}`);
  } catch (error) {
    card.append(failure(error));
    return;
  }
  if (page.data.length === 0) {
    card.append(empty(params.toString()
      ? 'No subscription matches these filters. Clear them to see all.'
      : 'No subscriptions yet: create one with POST /api/billing/subscriptions, or run `stripe sync` to import them from Stripe.'));
    return;
  }
  card.append(table('Subscriptions', ['Subscription', 'Status', 'MRR', 'Customer', 'User', 'Created', 'Period ends', 'Cancels at period end'],
    page.data.map(s => el('tr', { 'data-subscription': s.subscription_id, 'data-status': s.status },
      el('td', {}, el('code', {}, s.subscription_id)),
      el('td', {}, el('span', { class: `status status-${s.status}` }, s.status)),
      el('td', {}, s.mrr === null ? '—' : money(s.mrr, s.currency ?? 'usd')),
      el('td', {}, el('code', {}, s.stripe_customer_id)),
      el('td', {}, s.user_id ?? '—'),
      el('td', {}, date(s.created)),
      el('td', {}, date(s.current_period_end)),
      el('td', {}, s.cancel_at_period_end ? 'yes' : 'no')))));

  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' });
  if (params.get('cursor')) {
    const first = new URLSearchParams(params);
    first.delete('cursor');
    pager.append(el('a', { href: `/dashboard/subscriptions?${first}` }, 'First page'));
  }
  if (page.has_more) {
    const next = new URLSearchParams(params);
    next.set('cursor', page.next_cursor);
    pager.append(el('a', { href: `/dashboard/subscriptions?${next}`, rel: 'next' }, 'Next page'));
  }
  card.append(pager);
}
