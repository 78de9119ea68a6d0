// Writes a CRM export: n customers × 21 columns (id, email, name, 17 attributes, tags), seeded,
// with four planted behavioural segments. Usage: node bench/crm-data.mjs n path
import { createWriteStream } from 'node:fs';
import { normal, random } from './lib.mjs';

const [n, path] = [Number(process.argv[2]), process.argv[3]];
const rnd = random(7);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const out = createWriteStream(path);
const header = ['customer_id', 'email', 'name', 'company', 'company_size', 'industry', 'plan', 'country', 'mrr', 'seats', 'tenure_months', 'signup_date', 'last_order_days', 'orders_12m', 'logins_30d', 'pricing_page_visits_7d', 'support_tickets_90d', 'nps', 'is_active', 'evaluation_days', 'tags'];
out.write(header.join(',') + '\n');
const segments = [
  { plan: 'Starter', mrr: 60, seats: 2, logins: 8, visits: 5, tags: 'price-sensitive' },
  { plan: 'Business', mrr: 900, seats: 20, logins: 90, visits: 1, tags: 'expanded;champion' },
  { plan: 'Team', mrr: 300, seats: 9, logins: 35, visits: 2, tags: 'long-tenure' },
  { plan: 'Team', mrr: 90, seats: 4, logins: 4, visits: 0, tags: 'at-risk;churned' },
];
const first = ['Ana', 'Ben', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hana', 'Ivo', 'Jo'];
const last = ['Ruiz', 'Ode', 'Lee', 'Noor', 'Park', 'Wu', 'Smith', 'Okafor', 'Chen', 'Berg'];
let buffer = '';
for (let i = 0; i < n; i++) {
  const s = segments[Math.floor(rnd() * 4)];
  const name = `${pick(first)} ${pick(last)}`;
  const company = `${pick(['Blue', 'Red', 'North', 'Vertex', 'Copper'])} ${pick(['Labs', 'Foods', 'Systems', 'Finance'])}`;
  const signup = new Date(Date.UTC(2020, 0, 1) + Math.floor(rnd() * 2000) * 86400000).toISOString().slice(0, 10);
  const cells = [
    `C${String(i).padStart(7, '0')}`,
    `c${i}@${company.toLowerCase().replace(' ', '')}.example`,
    name,
    company,
    pick(['1-10', '11-50', '51-200', '201-1000']),
    pick(['Retail', 'Fintech', 'Health', 'Education', 'Media']),
    s.plan,
    pick(['US', 'DE', 'FR', 'GB', 'BR', 'IN']),
    Math.max(0, Math.round(s.mrr * Math.exp(normal(rnd) * 0.4))),
    Math.max(1, Math.round(s.seats * Math.exp(normal(rnd) * 0.3))),
    Math.floor(rnd() * 60),
    signup,
    Math.floor(rnd() * 365),
    Math.max(0, Math.round(6 + normal(rnd) * 3)),
    Math.max(0, Math.round(s.logins + normal(rnd) * 6)),
    Math.max(0, Math.round(s.visits + normal(rnd))),
    Math.max(0, Math.round(2 + normal(rnd))),
    Math.min(10, Math.max(0, Math.round(7 + normal(rnd) * 2))),
    rnd() < 0.9 ? 'true' : 'false',
    Math.max(1, Math.round(20 + normal(rnd) * 8)),
    s.tags,
  ];
  buffer += cells.join(',') + '\n';
  if (buffer.length > 1 << 20) {
    out.write(buffer);
    buffer = '';
  }
}
out.end(buffer);
