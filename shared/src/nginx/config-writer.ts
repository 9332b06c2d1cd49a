const INDENT = Array.from({ length: 8 }, (_, i) => '  '.repeat(i));

/** Builds nginx config text line by line, indenting blocks as they open and close. */
export class ConfigWriter {
  private readonly lines: string[] = [];
  private depth = 0;
  line(text: string): void {
    this.lines.push((INDENT[this.depth] ?? '') + text);
  }
  open(head: string): void {
    this.line(`${head} {`);
    this.depth += 1;
  }
  close(): void {
    this.depth -= 1;
    this.line('}');
  }
  blank(): void {
    this.lines.push('');
  }
  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
