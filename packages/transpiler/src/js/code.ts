/** Accumulates generated statements and hands out fresh local names. */
export class Code {
  readonly lines: string[] = [];
  private next = 0;

  constructor(private readonly prefix = 'v') {}

  tmp(hint = ''): string {
    return `${this.prefix}${hint}${this.next++}`;
  }

  line(s: string): void {
    this.lines.push(s);
  }

  /** Emits `const <tmp> = expr` and returns the name. */
  let(expr: string, hint = ''): string {
    const v = this.tmp(hint);
    this.lines.push(`const ${v} = ${expr};`);
    return v;
  }

  toString(indent = '  '): string {
    return indent + this.lines.join('\n' + indent);
  }
}
