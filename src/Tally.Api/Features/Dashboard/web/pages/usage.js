// Usage: ingest rate and pending backlog over the last hour, top customers this period, reconciliation
// differences, failed and late records, corrections.
import { getJson } from '../api.js';
import { el, section, empty, failure, table } from '../dom.js';
import { number, dateTime } from '../format.js';

export async function render(main) {
  main.replaceChildren(el('h1', {}, 'Usage'));
  const activity = section('Last hour');
  const top = section('Top customers this period');
  const reconciliation = section('Reconciliation with Stripe');
  const failed = section('Failed records');
  const late = section('Late records');
  const corrections = section('Corrections');
  main.append(activity, el('div', { class: 'charts' }, top, reconciliation), failed, late, corrections);
  await Promise.all([
    renderActivity(activity), renderTop(top), renderReconciliation(reconciliation),
    renderRecords(failed, 'failed', 'No failed records. Records that Stripe refuses end here; POST /api/admin/usage/failed/retry sends them again.'),
    renderRecords(late, 'late', 'No late records: every report arrived before its period\'s invoice closed.'),
    renderCorrections(corrections),
  ]);
}

async function renderActivity(card) {
  let a;
  try {
    a = await getJson('/api/admin/usage/activity?minutes=60');
  } catch (error) {
    card.append(failure(error));
    return;
  }
  card.append(el('p', {}, `Pending now: ${number(a.pending, 0)}; oldest pending: ${a.oldest_pending_seconds === null ? 'none' : `${number(a.oldest_pending_seconds, 0)} s`}.`));
  if (a.points.every(p => p.accepted === 0 && p.pending_at_end === 0)) {
    card.append(empty('No usage in the last hour: POST /api/billing/report_usage.'));
  }
  const canvas = el('canvas', { id: 'usage-chart', role: 'img', 'data-points': a.points.length, 'aria-label': `Reports accepted per minute and pending backlog, last ${a.minutes} minutes` });
  card.append(el('div', { class: 'chart-box' }, canvas));
  const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
  new window.Chart(canvas, {
    data: {
      labels: a.points.map(p => time.format(new Date(p.at))),
      datasets: [
        { type: 'bar', label: 'Accepted per minute', data: a.points.map(p => p.accepted), backgroundColor: '#2f6fde', yAxisID: 'y' },
        { type: 'line', label: 'Pending at minute end', data: a.points.map(p => p.pending_at_end), borderColor: '#f0a030', yAxisID: 'y1', pointRadius: 0 },
      ],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } } },
  });
}

async function renderTop(card) {
  try {
    const top = await getJson('/api/admin/usage/top_customers');
    card.append(top.data.length === 0 ? empty('No usage this period yet.') : table('Top customers by usage this period', ['Customer', 'Meter', 'Quantity', 'Records'],
      top.data.map(t => el('tr', {}, el('td', {}, t.email ?? t.stripe_customer_id), el('td', {}, t.meter_event_name), el('td', {}, number(t.quantity)), el('td', {}, number(t.records, 0))))));
  } catch (error) {
    card.append(failure(error));
  }
}

async function renderReconciliation(card) {
  try {
    const r = await getJson('/api/admin/usage/reconciliation?period=current');
    const differing = r.rows.filter(x => x.difference !== 0);
    card.append(el('p', {}, `${number(r.rows.length, 0)} customer meters this period, ${number(differing.length, 0)} with a difference.`));
    card.append(differing.length === 0 ? empty('Stripe\'s meter totals equal the ledger\'s.') : table('Differences between the ledger and Stripe', ['Customer', 'Meter', 'Local', 'Delivered', 'Stripe', 'Difference'],
      differing.map(x => el('tr', {}, el('td', {}, x.stripe_customer_id), el('td', {}, x.meter_event_name), el('td', {}, number(x.local_total)),
        el('td', {}, number(x.delivered_total)), el('td', {}, number(x.stripe_total)), el('td', {}, number(x.difference))))));
  } catch (error) {
    card.append(failure(error));
  }
}

async function renderRecords(card, status, none) {
  try {
    const page = await getJson(`/api/admin/usage/records?status=${status}&limit=20`);
    card.append(page.data.length === 0 ? empty(none) : table(`${status} usage records`, ['Record', 'User', 'Item', 'Quantity', 'Timestamp', 'Status'],
      page.data.map(r => el('tr', {}, el('td', {}, number(r.id, 0)), el('td', {}, number(r.user_id, 0)), el('td', {}, el('code', {}, r.stripe_subscription_item_id)),
        el('td', {}, number(r.quantity)), el('td', {}, dateTime(r.timestamp)), el('td', {}, r.status)))));
  } catch (error) {
    card.append(failure(error));
  }
}

async function renderCorrections(card) {
  try {
    const page = await getJson('/api/admin/usage/corrections?limit=20');
    card.append(page.data.length === 0 ? empty('No corrections: POST /api/admin/usage/corrections makes one.') : table('Usage corrections', ['When', 'By', 'User', 'Quantity', 'Reason', 'Status'],
      page.data.map(c => el('tr', {}, el('td', {}, dateTime(c.created_at)), el('td', {}, c.actor ?? '—'), el('td', {}, number(c.user_id, 0)),
        el('td', {}, number(c.quantity)), el('td', { class: 'wrap' }, c.reason ?? '—'), el('td', {}, c.status)))));
  } catch (error) {
    card.append(failure(error));
  }
}
