/**
 * Shared pieces for rule patterns. A value must not be glued to more token characters on either side,
 * which the lookarounds express without adding backtracking.
 */
export const NOT_AFTER_TOKEN = "(?<![A-Za-z0-9_+/=-])";
export const NOT_BEFORE_TOKEN = "(?![A-Za-z0-9_+/=-])";
