/** Zone names only: newer Intl versions also take offsets like "+01:00", which follow no daylight saving rules. */
const ZONE_NAME = /^[A-Za-z][\w+-]*(?:\/[\w+-]+)*$/;

/** Whether this Node knows the IANA time zone (its ICU data is also what schedules are computed with). */
export function isTimeZone(name: string): boolean {
  if (!ZONE_NAME.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The one known zone whose last part is this name, as people often write a city: "paris" → "Europe/Paris". */
export function zoneForCity(name: string): string | undefined {
  const city = name.trim().toLowerCase().replace(/ /g, "_");
  const found = Intl.supportedValuesOf("timeZone").filter((z) => z.toLowerCase().endsWith(`/${city}`));
  return found.length === 1 ? found[0] : undefined;
}
