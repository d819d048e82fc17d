/**
 * Values in the shape of a format a specific rule checks strictly. When that rule turned one down (a
 * Telegram token whose bot id is too short to have been issued), it is a stand-in, and a generic rule
 * must not report it as a random secret either.
 */
const LOOK_ALIKES: readonly RegExp[] = [
  // Telegram: `<bot id>:<secret>`; telegram-bot-token wants an id of 8 to 10 digits and `AA` + 33.
  /^[0-9]{1,16}:[A-Za-z0-9_-]{30,40}$/,
];

export function isLookAlike(value: string): boolean {
  return LOOK_ALIKES.some((re) => re.test(value));
}
