// The libraries of the Kubernetes CEL base environment, in registration order.
import type { CelLibrary } from '../environment.ts';
import { authzLibrary } from './authz.ts';
import { coreLibrary } from './core.ts';
import { listsLibrary } from './lists.ts';
import { regexLibrary } from './regex.ts';
import { setsLibrary } from './sets.ts';
import { stringsLibrary } from './strings.ts';

export function kubernetesLibraries(): CelLibrary[] {
  return [coreLibrary, stringsLibrary, listsLibrary, regexLibrary, setsLibrary, authzLibrary];
}
