/** Timestamps in the formats the API server accepts. */

/** `metav1.MicroTime`: RFC 3339 with exactly six fractional digits (a Date has milliseconds: pad them). */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** `metav1.Time`: RFC 3339 to the second. */
export function secondsTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
