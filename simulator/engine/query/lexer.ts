/** Splits a QuickBooks query statement into tokens, remembering each token's column for error messages. */
import { parserError } from './query-errors.js';

export type TokenType = 'word' | 'string' | 'number' | 'symbol' | 'end';

export interface Token {
  type: TokenType;
  /** Words keep their spelling; strings are unquoted and unescaped. */
  text: string;
  column: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_.]*/y;
const NUMBER = /-?\d+(?:\.\d+)?/y;
const SYMBOL = /<=|>=|!=|<>|[*(),=<>]/y;
const SPACE = /\s+/y;

export function tokenize(statement: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  const matchAt = (pattern: RegExp) => {
    pattern.lastIndex = position;
    return pattern.exec(statement)?.[0];
  };
  while (position < statement.length) {
    const space = matchAt(SPACE);
    if (space) {
      position += space.length;
      continue;
    }
    const column = position + 1;
    const char = statement[position];
    if (char === "'") {
      const { value, end } = readString(statement, position);
      tokens.push({ type: 'string', text: value, column });
      position = end;
      continue;
    }
    const word = matchAt(WORD);
    if (word) {
      tokens.push({ type: 'word', text: word, column });
      position += word.length;
      continue;
    }
    const number = matchAt(NUMBER);
    if (number) {
      tokens.push({ type: 'number', text: number, column });
      position += number.length;
      continue;
    }
    const symbol = matchAt(SYMBOL);
    if (symbol) {
      tokens.push({ type: 'symbol', text: symbol, column });
      position += symbol.length;
      continue;
    }
    throw parserError(`Lexical error at line 1, column ${column}.  Encountered: "${char}"`);
  }
  tokens.push({ type: 'end', text: '<EOF>', column: statement.length + 1 });
  return tokens;
}

/** A single-quoted literal; a quote inside is written `\'` or `''`. */
function readString(statement: string, start: number): { value: string; end: number } {
  let value = '';
  let position = start + 1;
  while (position < statement.length) {
    const char = statement[position] as string;
    const next = statement[position + 1];
    if (char === '\\' && next !== undefined) {
      value += next;
      position += 2;
    } else if (char === "'" && next === "'") {
      value += "'";
      position += 2;
    } else if (char === "'") {
      return { value, end: position + 1 };
    } else {
      value += char;
      position += 1;
    }
  }
  throw parserError(`Lexical error at line 1, column ${start + 1}.  Unterminated string literal`);
}
