/**
 * Text from participants, CRM files and assistants made inert before it reaches a file or a
 * renderer: control characters (NUL, escape sequences, DEL, C1) are dropped; SVG/XML cannot
 * carry them at all (a NUL made the PNG renderer fail) and a terminal or spreadsheet may act on them.
 * Tab, line feed and carriage return stay: each renderer decides what a line break means.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g;

export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}
