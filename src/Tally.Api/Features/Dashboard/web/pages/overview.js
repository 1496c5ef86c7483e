// Overview: KPI tiles, currency breakdown, MRR chart, movements waterfall and cohort grid.
import { getJson } from '../api.js';
import { el, section, empty, failure, table } from '../dom.js';
import { money, percent, number, month } from '../format.js';

const TILES = [
  { kpi: 'mrr', label: 'MRR', kind: 'money' },
  { kpi: 'usage_mrr', label: 'Usage MRR', kind: 'money' },
  { kpi: 'arr', label: 'ARR', kind: 'money' },
  { kpi: 'churn_rate', label: 'Churn (customers, 30 days)', kind: 'percent' },
  { kpi: 'arpu', label: 'ARPU', kind: 'money' },
  { kpi: 'active_subscriptions', label: 'Active subscriptions', kind: 'count' },
  { kpi: 'recent_revenue_30d', label: 'Revenue, last 30 days', kind: 'money' },
  { kpi: 'nrr', label: 'Net revenue retention', kind: 'percent' },
  { kpi: 'quick_ratio', label: 'Quick ratio', kind: 'ratio' },
];

function show(kind, value, currency) {
  switch (kind) {
    case 'money': return money(value, currency);
    case 'percent': return percent(value);
    case 'count': return number(value, 0);
    default: return number(value, 2);
  }
}

function asOfParam(day) {
  return day ? `as_of=${encodeURIComponent(`${day}T23:59:59Z`)}` : '';
}

function monthsBefore(iso, months) {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString();
}

export async function render(main) {
  const params = new URLSearchParams(window.location.search);
  const day = params.get('as_of') ?? '';
  const range = params.get('months') === '24' ? 24 : 12;

  const controls = el('form', { class: 'controls', method: 'get', action: '/dashboard/overview' },
    el('label', { for: 'as-of' }, 'As of'),
    el('input', { id: 'as-of', name: 'as_of', type: 'date', value: day }),
    el('label', { for: 'months' }, 'Chart range'),
    el('select', { id: 'months', name: 'months' },
      el('option', { value: '12', selected: range === 12 }, '12 months'),
      el('option', { value: '24', selected: range === 24 }, '24 months')),
    el('button', { type: 'submit' }, 'Show'));

  main.replaceChildren(el('h1', {}, 'Overview'), controls);
  let revenue;
  try {
    revenue = await getJson(`/api/admin/revenue?${asOfParam(day)}`);
  } catch (error) {
    main.append(failure(error));
    return;
  }

  const currency = revenue.reporting_currency;
  const tiles = el('section', { class: 'tiles', 'aria-label': 'Key figures', 'data-as-of': revenue.as_of },
    TILES.map(t => el('div', { class: 'tile', 'data-kpi': t.kpi, 'data-value': revenue[t.kpi] ?? '' },
      el('span', { class: 'tile-label' }, t.label),
      el('strong', { class: 'tile-value' }, show(t.kind, revenue[t.kpi], currency)))));
  main.append(tiles);
  if (revenue.active_subscriptions === 0 && !revenue.mrr) {
    main.append(empty('No revenue yet: create a subscription (POST /api/billing/subscriptions), run `stripe sync`, or start with `serve --demo` for sample data.'));
  }
  if (revenue.fx_errors?.length) {
    main.append(el('p', { class: 'notice', role: 'note' },
      `Some figures are missing because an exchange rate is: ${revenue.fx_errors.map(e => `${e.currency} (${e.detail})`).join('; ')}. Set one with PUT /api/admin/fx_rates.`));
  }

  main.append(currencies(revenue));
  const chartCard = section(`MRR, last ${range} months`);
  const waterfallCard = section('MRR movements, last 30 days');
  const cohortCard = section('Cohort retention');
  main.append(el('div', { class: 'charts' }, chartCard, waterfallCard), cohortCard);
  waterfall(waterfallCard, revenue);
  await Promise.all([mrrChart(chartCard, revenue, range), cohorts(cohortCard, revenue)]);
}

function currencies(revenue) {
  const card = section('By currency');
  const entries = Object.entries(revenue.by_currency ?? {});
  if (entries.length === 0) {
    card.append(empty('No currency has revenue yet.'));
    return card;
  }
  card.append(table('Revenue by currency', ['Currency', 'MRR', 'Usage MRR', 'ARR', 'Active subscriptions', 'ARPU', 'Revenue, 30 days'],
    entries.map(([code, c]) => el('tr', { 'data-currency': code },
      el('th', { scope: 'row' }, code.toUpperCase()),
      el('td', {}, money(c.mrr, code)), el('td', {}, money(c.usage_mrr, code)), el('td', {}, money(c.arr, code)),
      el('td', {}, number(c.active_subscriptions, 0)), el('td', {}, money(c.arpu, code)),
      el('td', {}, money(c.recent_revenue_30d, code))))));
  return card;
}

async function mrrChart(card, revenue, range) {
  let series;
  try {
    series = await getJson(`/api/admin/revenue/timeseries?interval=month&from=${encodeURIComponent(monthsBefore(revenue.as_of, range))}&to=${encodeURIComponent(revenue.as_of)}`);
  } catch (error) {
    card.append(failure(error));
    return;
  }
  const points = series.points;
  if (points.every(p => !p.mrr && !p.usage_mrr)) {
    card.append(empty('No MRR in this range yet: subscriptions appear here once Stripe reports them (webhooks or `stripe sync`).'));
  }
  const canvas = el('canvas', { id: 'mrr-chart', role: 'img', 'data-points': points.length,
    'aria-label': `Monthly recurring revenue in ${series.reporting_currency.toUpperCase()}, committed and usage, ${points.length} months` });
  card.append(el('div', { class: 'chart-box' }, canvas));
  const currency = series.reporting_currency;
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: points.map(p => month(p.bucket_start)),
      datasets: [
        { label: 'Committed MRR', data: points.map(p => p.mrr ?? 0), backgroundColor: '#2f6fde', stack: 'mrr' },
        { label: 'Usage MRR', data: points.map(p => p.usage_mrr ?? 0), backgroundColor: '#f0a030', stack: 'mrr' },
      ],
    },
    options: {
      animation: false, maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: v => money(v, currency) } } },
      plugins: { tooltip: { callbacks: { label: c => `${c.dataset.label}: ${money(c.parsed.y, currency)}` } } },
    },
  });
}

function waterfall(card, revenue) {
  const m = revenue.movements;
  const currency = revenue.reporting_currency;
  if (!m || revenue.start_mrr === null || revenue.mrr === null) {
    card.append(empty('No movements to show (a currency lacks an exchange rate, or there is no revenue yet).'));
    return;
  }
  const steps = [
    ['Start', revenue.start_mrr, 'total'], ['New', m.new, 'up'], ['Reactivation', m.reactivation, 'up'],
    ['Expansion', m.expansion, 'up'], ['Contraction', -Math.abs(m.contraction), 'down'], ['Churn', -Math.abs(m.churn), 'down'],
  ];
  const bars = [];
  let level = 0;
  for (const [label, value, kind] of steps) {
    if (kind === 'total') { bars.push({ label, range: [0, value], kind, value }); level = value; continue; }
    bars.push({ label, range: [level, level + value], kind, value });
    level += value;
  }
  bars.push({ label: 'End', range: [0, revenue.mrr], kind: 'total', value: revenue.mrr });
  const colours = { total: '#5b6b82', up: '#2a9d5c', down: '#d0473c' };
  const canvas = el('canvas', { id: 'waterfall-chart', role: 'img', 'aria-label': `MRR movements: ${bars.map(b => `${b.label} ${money(b.value, currency)}`).join(', ')}` });
  card.append(el('div', { class: 'chart-box' }, canvas));
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels: bars.map(b => b.label), datasets: [{ label: 'MRR', data: bars.map(b => b.range), backgroundColor: bars.map(b => colours[b.kind]) }] },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: c => money(bars[c.dataIndex].value, currency) } } },
      scales: { y: { ticks: { callback: v => money(v, currency) } } },
    },
  });
}

async function cohorts(card, revenue) {
  let data;
  try {
    data = await getJson(`/api/admin/revenue/cohorts?to=${encodeURIComponent(revenue.as_of)}`);
  } catch (error) {
    card.append(failure(error));
    return;
  }
  const cohortsWithCustomers = data.cohorts.filter(c => c.customers > 0);
  if (cohortsWithCustomers.length === 0) {
    card.append(empty('No cohorts yet: customers appear here from the month of their first paid subscription.'));
    return;
  }
  const width = Math.max(...cohortsWithCustomers.map(c => c.cells.length));
  const headers = ['Cohort', 'Customers', ...Array.from({ length: width }, (_, i) => `M${i}`)];
  card.append(table('Customer retention by signup month (share of the cohort still active)', headers,
    cohortsWithCustomers.map(c => el('tr', {},
      el('th', { scope: 'row' }, c.month), el('td', {}, number(c.customers, 0)),
      c.cells.map(cell => {
        const share = cell.customer_retention;
        const style = share === null ? '' : `heat-${Math.min(10, Math.round(share * 10))}`;
        return el('td', { class: `cell ${style}`, title: `${cell.active_customers} active` }, percent(share));
      })))));
}
