// Health: the webhook inbox's failed events (replay one or all), usage pipeline health, Stripe mode and version.
import { getJson, send } from '../api.js';
import { el, section, empty, failure, table } from '../dom.js';
import { number, dateTime } from '../format.js';

export async function render(main) {
  const status = el('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  main.replaceChildren(el('h1', {}, 'Health'), status);
  const webhooks = section('Failed webhook events');
  const usage = section('Usage pipeline');
  const system = section('Stripe and version');
  main.append(webhooks, usage, system);
  await Promise.all([renderWebhooks(webhooks, status), renderUsage(usage), renderSystem(system)]);
}

async function renderWebhooks(card, status) {
  let page;
  try {
    page = await getJson('/api/admin/webhooks?status=failed&limit=100');
  } catch (error) {
    card.append(failure(error));
    return;
  }
  if (page.data.length === 0) {
    card.append(empty('No failed webhook events: every event Stripe sent has been processed (or is still being retried).'));
    return;
  }
  const replayAll = el('button', {
    type: 'button',
    onclick: async () => {
      replayAll.disabled = true;
      try {
        const answer = await send('POST', '/api/admin/webhooks/replay');
        status.textContent = `${answer.queued} failed events put back in the queue.`;
      } catch (error) {
        status.textContent = `Replay failed: ${error.message}`;
      }
    },
  }, `Replay all ${page.data.length}${page.has_more ? '+' : ''} failed events`);
  card.append(el('div', { class: 'controls' }, replayAll));
  card.append(table('Failed webhook events', ['Event', 'Type', 'Object', 'Attempts', 'Last error', 'Received', ''],
    page.data.map(e => {
      const button = el('button', {
        type: 'button', class: 'secondary', 'aria-label': `Replay ${e.event_id}`,
        onclick: async () => {
          button.disabled = true;
          try {
            await send('POST', `/api/admin/webhooks/${encodeURIComponent(e.event_id)}/replay`);
            status.textContent = `${e.event_id} put back in the queue.`;
            button.textContent = 'Queued';
          } catch (error) {
            status.textContent = `Replay of ${e.event_id} failed: ${error.message}`;
            button.disabled = false;
          }
        },
      }, 'Replay');
      return el('tr', { 'data-event': e.event_id },
        el('td', {}, el('code', {}, e.event_id)), el('td', {}, e.type), el('td', {}, e.object_id ?? '—'),
        el('td', {}, number(e.attempts, 0)), el('td', { class: 'wrap' }, e.last_error ?? '—'), el('td', {}, dateTime(e.received_at)),
        el('td', {}, button));
    })));
}

async function renderUsage(card) {
  let h;
  try {
    h = await getJson('/api/admin/usage/health');
  } catch (error) {
    card.append(failure(error));
    return;
  }
  const rows = [
    ['Pending records', number(h.pending, 0)],
    ['Oldest pending', h.oldest_pending_seconds === null ? 'none' : `${number(h.oldest_pending_seconds, 0)} s`],
    ['Failed records', number(h.failed, 0)],
    ['Late records', number(h.late, 0)],
    ['Open batches', number(h.open_batches, 0)],
    ['Queue depth', number(h.queue_depth, 0)],
    ['Last flush', dateTime(h.last_flush_at)],
    ['Last Stripe error', h.last_stripe_error ?? 'none'],
    ['Delivery mode', h.mode],
  ];
  card.append(el('dl', { class: 'facts', id: 'usage-health' }, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
  if (h.pending === 0 && !h.last_flush_at) {
    card.append(empty('No usage yet: POST /api/billing/report_usage.'));
  }
}

async function renderSystem(card) {
  try {
    const s = await getJson('/api/admin/system');
    card.append(el('dl', { class: 'facts', id: 'system' },
      el('dt', {}, 'Stripe mode'), el('dd', {}, s.stripe_mode ?? '—'),
      el('dt', {}, 'Version'), el('dd', {}, s.version ?? '—')));
  } catch (error) {
    card.append(failure(error));
  }
}
