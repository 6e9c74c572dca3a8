import { renderTable } from '../table';
import { Comparison, Estimate } from './price';

/** `$1,234.56`. */
export function money(value: number): string {
  const sign = value < 0 ? '-' : '';
  return `${sign}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Up to 3 decimals, thousands separated. */
export function quantity(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** `$0.0000133334`: enough digits to show the table's price as written. */
export function unitPrice(value: number): string {
  const text = Number(value.toPrecision(6)).toString();
  const decimals = text.includes('.') ? text.split('.')[1].length : 0;
  return `$${decimals < 2 ? value.toFixed(2) : text}`;
}

/** The line items of an estimate and its total. */
export function estimateTable(estimate: Estimate): string {
  const rows = estimate.lineItems.map((l) => [l.item, quantity(l.quantity), l.unit, unitPrice(l.unitPrice), money(l.monthly)]);
  rows.push(['total', '', '', '', money(estimate.total)]);
  return renderTable(['item', 'quantity', 'unit', 'unit price', 'monthly'], rows);
}

/** The differing items of this design and the alternatives side by side, then the totals. */
export function comparisonTable(comparison: Comparison): string {
  const rows = comparison.rows.map((r) => [r.item, ...r.values.map((v) => (v === null ? '-' : money(v)))]);
  rows.push([`unchanged items (${comparison.unchanged.items})`, ...comparison.columns.map(() => money(comparison.unchanged.monthly))]);
  rows.push(['total', ...comparison.totals.map(money)]);
  return renderTable(['monthly', ...comparison.columns], rows);
}
