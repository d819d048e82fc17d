/** `patchwright scan`'s exit codes, shared by every command: 2 is never "clean". */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_SCAN = 2;
