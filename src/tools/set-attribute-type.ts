import * as z from 'zod';
import { clip } from '../domain/budget.js';
import { setAttributeType } from '../app/set-attribute-type.js';
import { DATE_FORMATS, NUMBER_FORMATS, statedType } from '../domain/attributes.js';
import { ValidationError } from '../errors.js';
import { attributeType, attributeValue, studyId } from './params.js';
import { defineTool } from './define.js';

export const setAttributeTypeTool = defineTool({
  name: 'set_attribute_type',
  title: 'Change an attribute\'s type',
  description: `Changes a stored attribute's type and converts every value ("$1,200.50" → 1200.5 USD, "03/16/2024" → 2024-03-16). Values that do not convert are listed and block the change unless skip_invalid removes them.
Use this tool when you need to: fix a column an import typed as text, or read dates day first.`,
  input: z.object({
    study_id: studyId,
    attribute: z.string().min(1).describe('The attribute\'s name (get_study).'),
    type: attributeType.describe('The new type.'),
    format: z.enum([...NUMBER_FORMATS, ...DATE_FORMATS]).optional().describe('number: "1,234.56" or "1.234,56"; date: "M/D/YYYY" or "D/M/YYYY". Default: read from the values.'),
    unit: z.string().max(8).optional().describe('number: "%" or a currency. Default: read from the values.'),
    skip_invalid: z.boolean().default(false).describe('Convert what fits and remove the rest (listed).'),
    dry_run: z.boolean().default(false).describe('Report what would happen without writing.'),
  }),
  output: z.object({
    study_id: z.number(),
    attribute: z.string(),
    from: z.object({ type: attributeType, unit: z.string().nullable() }),
    to: z.object({ type: attributeType, format: z.string().nullable(), unit: z.string().nullable(), rule: z.string(), note: z.string().nullable() }),
    values: z.number().describe('Participants with a value.'),
    converted: z.number(),
    now_missing: z.number().describe('Missing markers stored as text by an earlier import (N/A, -, none…), now missing values.'),
    invalid: z.array(z.object({ participant_id: z.string(), value: attributeValue })).describe('Values that do not convert (the first 200).'),
    invalid_total: z.number(),
    removed: z.number().describe('Values removed because they did not convert (skip_invalid).'),
    written: z.boolean(),
    dry_run: z.boolean(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async run(args, { store }) {
    const stated = statedType({ type: args.type, format: args.format, unit: args.unit });
    if (typeof stated === 'string') throw new ValidationError([stated], 'Nothing was changed. Fix this:');
    return await setAttributeType(store, { studyId: args.study_id, attribute: args.attribute, type: args.type, format: stated.format, skipInvalid: args.skip_invalid, dryRun: args.dry_run });
  },
  render: (r) => {
    const target = `${r.to.type}${r.to.unit ? ` (${r.to.unit})` : ''}`;
    const head = r.written
      ? `"${r.attribute}" is now ${target}: ${r.converted} of ${r.values} value(s) converted${r.removed ? `, ${r.removed} removed` : ''}.`
      : r.invalid_total > 0 && !r.dry_run
        ? `Nothing was changed: ${r.invalid_total} of ${r.values} value(s) of "${r.attribute}" do not convert to ${target}. Fix them, or call again with skip_invalid: true to remove them.`
        : `Dry run: ${r.converted} of ${r.values} value(s) of "${r.attribute}" would convert to ${target}${r.invalid_total ? `; ${r.invalid_total} would not` : ''}.`;
    return [head, `Read as: ${r.to.rule}.${r.to.note ? ` ${r.to.note}.` : ''}`, ...r.invalid.slice(0, 20).map((x) => clip(`- ${x.participant_id}: ${JSON.stringify(x.value)}`, 200))].join('\n');
  },
});
