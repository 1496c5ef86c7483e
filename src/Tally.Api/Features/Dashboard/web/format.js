// Number formatting in the reader's locale: money in its own currency, rates as percentages.
const NONE = '—';

export function money(value, currency) {
  if (value === null || value === undefined) return NONE;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(value);
}

export function percent(fraction) {
  if (fraction === null || fraction === undefined) return NONE;
  return new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 }).format(fraction);
}

export function number(value, digits = 2) {
  if (value === null || value === undefined) return NONE;
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(value);
}

export function date(iso) {
  if (!iso) return NONE;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso));
}

export function dateTime(iso) {
  if (!iso) return NONE;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function month(iso) {
  return new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso));
}
