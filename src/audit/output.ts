/** Buffered text output: formats write small pieces; they reach the stream in large writes. */
export class Output {
  readonly #write: (text: string) => void;
  #buffer: string[] = [];
  #size = 0;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  write(text: string): void {
    this.#buffer.push(text);
    this.#size += text.length;
    if (this.#size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.#size === 0 && this.#buffer.length === 0) return;
    this.#write(this.#buffer.join(''));
    this.#buffer = [];
    this.#size = 0;
  }
}
