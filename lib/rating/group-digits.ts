// Thousands separators for the labels in a rated line's parts ("1,001–10,000"). Display only:
// amounts and quantities in the data stay plain decimal strings.

/** "1234567.5" → "1,234,567.5"; works on any plain decimal string or integer, however large. */
export function groupDigits(value: string | number): string {
  const s = String(value);
  const dot = s.indexOf(".");
  const whole = dot === -1 ? s : s.slice(0, dot);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return dot === -1 ? grouped : grouped + s.slice(dot);
}
