/** The formats a study report is written in, with their file extensions and media types. */
export const REPORT_FORMATS = { markdown: 'md', html: 'html', json: 'json' } as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;
export const REPORT_MIME = { markdown: 'text/markdown', html: 'text/html', json: 'application/json' } as const;
