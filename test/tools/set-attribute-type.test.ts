/** set_attribute_type through the MCP client: converting stored values after an import typed a column as text. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

let h: Harness;
let study_id: number;
beforeEach(async () => {
  h = await connect();
  ({ study_id } = await h.ok('create_study', { name: 'Attribute types' }));
});
afterEach(async () => h.close());

const hubspot = new URL('../fixtures/csv/hubspot-contacts.csv', import.meta.url).pathname;
const participant = async (id: string) => (await h.ok('get_participant', { study_id, participant_id: id })).attributes;

describe('set_attribute_type', () => {
  it('converts an attribute stored as text, reporting the values that do not convert', async () => {
    await h.ok('import_participants', { study_id, path: hubspot, column_types: { 'Annual Revenue': 'text', 'Create Date': 'text' } });
    const dry = await h.ok('set_attribute_type', { study_id, attribute: 'Annual Revenue', type: 'number', dry_run: true });
    expect(dry).toMatchObject({ attribute: 'Annual Revenue', from: { type: 'text' }, to: { type: 'number', unit: 'USD', format: '1,234.56' }, values: 36, converted: 35, invalid: [{ participant_id: '5547', value: 'TBD' }], invalid_total: 1, written: false });
    const blocked = await h.ok('set_attribute_type', { study_id, attribute: 'Annual Revenue', type: 'number' });
    expect(blocked).toMatchObject({ written: false, removed: 0 });
    expect((await h.call('set_attribute_type', { study_id, attribute: 'Annual Revenue', type: 'number' })).content[0].text).toMatch(/^Nothing was changed: 1 of 36 value\(s\) of "Annual Revenue" do not convert to number \(USD\)/);
    expect(await participant('5547')).toMatchObject({ 'Annual Revenue': 'TBD' });
    const done = await h.ok('set_attribute_type', { study_id, attribute: 'annual revenue', type: 'number', skip_invalid: true });
    expect(done).toMatchObject({ written: true, converted: 35, removed: 1 });
    expect(await participant('5177')).toMatchObject({ 'Annual Revenue': 1_200_000 });
    expect(await participant('5547')).not.toHaveProperty('Annual Revenue');
    expect((await h.ok('get_study', { study_id })).attributes.find((a: any) => a.name === 'Annual Revenue')).toMatchObject({ type: 'number', unit: 'USD' });
    const q = await h.ok('query_participants', { study_id, where: [{ field: 'attr.Annual Revenue', op: 'gte', value: 1_000_000 }], limit: 1 });
    expect(q.total).toBeGreaterThan(0);
    // Dates: stated day first, and back to text.
    const dates = await h.ok('set_attribute_type', { study_id, attribute: 'Create Date', type: 'date', skip_invalid: true });
    expect(dates).toMatchObject({ to: { type: 'date', format: 'M/D/YYYY' }, removed: 1 });
    expect(await participant('5140')).toMatchObject({ 'Create Date': '2024-02-04' });
    const back = await h.ok('set_attribute_type', { study_id, attribute: 'Create Date', type: 'text' });
    expect(back).toMatchObject({ written: true, invalid_total: 0 });
    expect(await participant('5140')).toMatchObject({ 'Create Date': '2024-02-04' });
    expect(await h.fail('set_attribute_type', { study_id, attribute: 'Nope', type: 'number' })).toMatch(/Study \d+ has no attribute "Nope"\. Attributes: .*"MRR"/);
    expect(await h.fail('set_attribute_type', { study_id, attribute: 'MRR', type: 'boolean', unit: 'USD' })).toMatch(/unit: only number columns take a unit/);
  });
});
