/**
 * The demo bank's "Pay 25 suppliers" run (docs/batches.md): one approval for
 * 25 transfers. The bank keeps the items; the receipt is checked against them
 * and each item is redeemed once before it is paid.
 */

const NAMES = [
  'Acme Tools',
  'Birch Paper',
  'Cobalt Freight',
  'Delta Print',
  'Elm Catering',
  'Fjord Cloud',
  'Granite Legal',
  'Harbor Cleaning',
  'Iris Design',
  'Juniper Energy',
  'Kestrel Security',
  'Lumen Lighting',
  'Maple Office',
  'Nimbus Telecom',
  'Oak Logistics',
  'Pine Water',
  'Quarry Stone',
  'Rowan Insurance',
  'Sable Audit',
  'Tern Couriers',
  'Umber Coffee',
  'Vale Textiles',
  'Willow IT',
  'Yarrow Plants',
  'Zinc Repairs',
];

/** 25 supplier payments, amounts in cents-exact decimal strings; one payee twice (a deposit and an invoice). */
export const DEMO_SUPPLIERS = NAMES.map((name, i) => ({
  type: 'wire.transfer',
  amount: `${((137 * (i + 3)) % 4000) + 120}.${String((i * 37) % 100).padStart(2, '0')}`,
  currency: 'EUR',
  to: `DE${String(10 + i)} 3704 0044 ${String(1000 + i * 7).padStart(4, '0')} ${String(i).padStart(2, '0')}`,
  name,
  reference: `INV-2026-${String(400 + i)}`,
}));

/** The batch's type, and so the receipt's `act_type`. */
export const DEMO_SUPPLIER_RUN = 'supplier.run';
