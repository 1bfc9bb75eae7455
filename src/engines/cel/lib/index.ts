// The libraries of the Kubernetes CEL base environment (apiserver/pkg/cel/environment/base.go as
// of 1.33), in registration order.
import type { CelLibrary } from '../environment.ts';
import { authzLibrary } from './authz.ts';
import { coreLibrary } from './core.ts';
import { listsLibrary } from './lists.ts';
import { namedFormatsLibrary } from './named-formats.ts';
import { cidrLibrary, ipLibrary } from './net.ts';
import { quantityLibrary } from './quantity.ts';
import { regexLibrary } from './regex.ts';
import { semverLibrary } from './semver.ts';
import { setsLibrary } from './sets.ts';
import { stringsLibrary } from './strings.ts';
import { timeLibrary } from './time.ts';
import { urlLibrary } from './url.ts';

export function kubernetesLibraries(): CelLibrary[] {
  return [
    coreLibrary,
    timeLibrary,
    stringsLibrary,
    listsLibrary,
    regexLibrary,
    setsLibrary,
    urlLibrary,
    quantityLibrary,
    ipLibrary,
    cidrLibrary,
    semverLibrary,
    namedFormatsLibrary,
    authzLibrary,
  ];
}
