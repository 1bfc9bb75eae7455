/** Registers every builtin (import for side effects). */
import './operators.ts';
import './strings.ts';
import './sprintf.ts';
import './aggregates.ts';
import './types.ts';
import './casts.ts';
import './objects.ts';
import './regex.ts';
import './glob.ts';
import './units.ts';
import './arrays.ts';
import './encoding.ts';
