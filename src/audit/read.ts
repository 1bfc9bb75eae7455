import { describeError, KpcError } from '../util/errors.ts';
import { collectFiles, displayPath } from '../util/files.ts';
import { MAX_INPUT_BYTES, readTextFile } from '../util/yaml.ts';
import { readChunk, splitDocuments, type DocumentChunk, type DocumentObjects } from './documents.ts';

/**
 * The manifests an audit reads, one document at a time: files under the given paths (`.yaml`,
 * `.yml`, `.json`, sorted), or standard input for `-` (the rendered output of `helm template` or
 * `kustomize build`), read incrementally so a long stream never sits in memory whole.
 */

export const STDIN = '-';
export const STDIN_NAME = '<stdin>';
export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export type InputEvent =
  | { readonly type: 'file'; readonly file: string }
  | { readonly type: 'document'; readonly file: string; readonly objects: DocumentObjects }
  | { readonly type: 'error'; readonly file: string; readonly line?: number; readonly column?: number; readonly message: string };

/** Files and documents in order; a path that does not exist is an error event, and the run goes on. */
export async function* readInputs(paths: readonly string[], stdin: AsyncIterable<Uint8Array | string> = process.stdin): AsyncGenerator<InputEvent> {
  for (const path of paths) {
    if (path === STDIN) {
      yield { type: 'file', file: STDIN_NAME };
      yield* readStream(stdin, STDIN_NAME);
      continue;
    }
    let files: string[];
    try {
      files = collectFiles([path], { extensions: MANIFEST_EXTENSIONS });
    } catch (error) {
      yield { type: 'error', file: path, message: error instanceof KpcError ? error.message : describeError(error) };
      continue;
    }
    for (const file of files) {
      const shown = displayPath(file);
      yield { type: 'file', file: shown };
      let text: string;
      try {
        text = readTextFile(file);
      } catch (error) {
        yield { type: 'error', file: shown, message: error instanceof KpcError ? error.message : describeError(error) };
        continue;
      }
      yield* documentsOf(splitDocuments(text), shown);
    }
  }
}

function* documentsOf(chunks: Iterable<DocumentChunk>, file: string): Generator<InputEvent> {
  for (const chunk of chunks) {
    for (const objects of readChunk(chunk)) yield { type: 'document', file, objects };
  }
}

/**
 * A stream split into documents as it arrives (at `---` lines); each document is bounded by the
 * file size limit, the stream is not. Invalid UTF-8 ends the stream with an error.
 */
async function* readStream(stream: AsyncIterable<Uint8Array | string>, file: string): AsyncGenerator<InputEvent> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = ''; // text of the current document not yet ended
  let pendingFirstLine = 1;
  let lineNumber = 1; // line number of the first line in `carry`
  let carry = ''; // an incomplete last line
  let oversized = false;
  let first = true;
  const flush = function* (): Generator<InputEvent> {
    if (oversized) {
      yield { type: 'error', file, line: pendingFirstLine, message: `document is too large (the limit is ${MAX_INPUT_BYTES} bytes)` };
    } else if (pending !== '') {
      yield* documentsOf(wholeChunks(pending, pendingFirstLine), file);
    }
    pending = '';
    oversized = false;
  };
  try {
    for await (const piece of stream) {
      let text = typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      carry += text;
      let newline: number;
      while ((newline = carry.indexOf('\n')) >= 0) {
        const line = carry.slice(0, newline + 1);
        carry = carry.slice(newline + 1);
        if (/^---([ \t\r]|$)/.test(line) && pending !== '') {
          yield* flush();
          pendingFirstLine = lineNumber;
        }
        if (!oversized) {
          pending += line;
          if (pending.length > MAX_INPUT_BYTES) {
            oversized = true;
            pending = '';
          }
        }
        lineNumber++;
      }
    }
    decoder.decode(); // a truncated sequence at the end is invalid
  } catch (error) {
    yield { type: 'error', file, line: lineNumber, message: error instanceof TypeError ? 'invalid UTF-8' : describeError(error) };
    return;
  }
  if (carry !== '') {
    if (/^---([ \t\r]|$)/.test(carry) && pending !== '') {
      yield* flush();
      pendingFirstLine = lineNumber;
    }
    if (!oversized) pending += carry;
  }
  yield* flush();
}

/** A document of a stream, already delimited: split again only when it holds directives or `...`. */
function wholeChunks(text: string, firstLine: number): DocumentChunk[] {
  return [...splitDocuments(text)].map((chunk) => ({ text: chunk.text, firstLine: chunk.firstLine + firstLine - 1 }));
}
