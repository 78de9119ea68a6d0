/** The seglab:// resource URIs. */
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS } from '../../src/app/report-formats.js';
import { participantUri, reportUri, reportUriTemplate, studyUri } from '../../src/app/uris.js';

describe('resource URIs', () => {
  it('study, participant (id escaped) and report in each format', () => {
    expect(studyUri(3)).toBe('seglab://studies/3');
    expect(participantUri(3, 'a/b c?')).toBe('seglab://studies/3/participants/a%2Fb%20c%3F');
    expect(decodeURIComponent(participantUri(3, 'a/b c?').split('/').pop()!)).toBe('a/b c?');
    expect(Object.keys(REPORT_FORMATS).map((f) => reportUri(3, f as keyof typeof REPORT_FORMATS))).toEqual(['seglab://studies/3/report.md', 'seglab://studies/3/report.html', 'seglab://studies/3/report.json']);
    expect(reportUriTemplate('html')).toBe('seglab://studies/{study_id}/report.html');
  });
});
