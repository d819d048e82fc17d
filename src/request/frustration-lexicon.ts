/**
 * The words frustration is recognised by, in every language patchwright reads, in one place so a
 * language is added by adding its lists. Entries are matched case-insensitively as whole words; a
 * trailing `*` lets a word go on (`fuck*` matches "fucking"). Kept small on purpose: a missed signal
 * costs a round, a false one makes patchwright plan when asked to change code.
 */
export interface FrustrationWords {
  /** The result did not help: "still broken", "doesn't work". */
  notFixed: readonly string[];
  swearing: readonly string[];
  /** A whole request that only says to go on or to try again. */
  retry: readonly string[];
  /** Politeness that may surround a retry without changing it. */
  filler: readonly string[];
}

export const FRUSTRATION_LEXICON: Record<"en" | "fr" | "de" | "es", FrustrationWords> = {
  en: {
    notFixed: [
      "still broken",
      "still not working",
      "still doesn't work",
      "still does not work",
      "still fails",
      "still failing",
      "doesn't work",
      "does not work",
      "didn't work",
      "did not work",
      "not fixed",
      "isn't fixed",
      "is not fixed",
      "wrong again",
      "useless",
      "same error",
      "nothing changed",
    ],
    swearing: ["fuck*", "shit", "shitty", "bullshit", "damn*", "wtf", "crap", "crappy", "ffs"],
    retry: ["continue", "again", "try again", "retry", "do it again", "one more time", "keep going"],
    filler: ["please", "pls", "just", "now"],
  },
  fr: {
    notFixed: [
      "toujours cassé",
      "ne marche pas",
      "marche pas",
      "ne marche toujours pas",
      "ne fonctionne pas",
      "fonctionne pas",
      "ne fonctionne toujours pas",
      "pas corrigé",
      "encore faux",
      "inutile",
      "même erreur",
    ],
    swearing: ["merde", "putain", "bordel", "fait chier"],
    retry: ["continue", "encore", "réessaie", "réessayer", "recommence", "encore une fois"],
    filler: ["s'il te plaît", "s'il vous plaît", "stp", "svp"],
  },
  de: {
    notFixed: [
      "immer noch kaputt",
      "funktioniert nicht",
      "funktioniert immer noch nicht",
      "geht nicht",
      "geht immer noch nicht",
      "nicht behoben",
      "wieder falsch",
      "nutzlos",
      "derselbe fehler",
      "gleicher fehler",
    ],
    swearing: ["scheiße", "scheisse", "scheiß*", "verdammt*", "verflucht*"],
    retry: ["weiter", "nochmal", "noch einmal", "erneut", "versuch es nochmal", "mach weiter"],
    filler: ["bitte", "jetzt"],
  },
  es: {
    notFixed: [
      "sigue roto",
      "sigue sin funcionar",
      "no funciona",
      "no sirve",
      "no está arreglado",
      "no se arregló",
      "otra vez mal",
      "inútil",
      "mismo error",
    ],
    swearing: ["mierda", "joder", "carajo", "coño", "puta madre"],
    retry: ["continúa", "continua", "sigue", "otra vez", "de nuevo", "inténtalo de nuevo", "reintenta"],
    filler: ["por favor", "porfa", "ya"],
  },
};
