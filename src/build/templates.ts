import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KpcError } from '../util/errors.ts';

/** The Handlebars shells in templates/: file headers, kustomizations, the namespace label script. */

const TEMPLATES_DIR = resolve(import.meta.dirname, '../../templates');
const compiled = new Map<string, Handlebars.TemplateDelegate>();

export function renderTemplate(name: string, context: Record<string, unknown>, dir: string = TEMPLATES_DIR): string {
  const file = resolve(dir, name);
  let template = compiled.get(file);
  try {
    if (!template) {
      // Output is YAML and shell, not HTML: no escaping; strict: a missing field is an error.
      template = Handlebars.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
      compiled.set(file, template);
    }
    return template(context);
  } catch (error) {
    throw new KpcError(`template failed to render: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { file: `templates/${name}` });
  }
}
