/** Helpers for 'YYYY-MM-DD HH:mm' bar stamps. */

/** Minutes after midnight of a 'YYYY-MM-DD HH:mm' stamp (no validation: stamps come from the importer). */
export function minutesOf(time: string): number {
  return (
    (time.charCodeAt(11) - 48) * 600 +
    (time.charCodeAt(12) - 48) * 60 +
    (time.charCodeAt(14) - 48) * 10 +
    (time.charCodeAt(15) - 48)
  );
}

/** 'HH:mm' of minutes after midnight. */
export function hhmm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}
