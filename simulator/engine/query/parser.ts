/**
 * Parses the QuickBooks query language:
 *
 *   SELECT * | COUNT(*) | <field>, <field>… FROM <Entity>
 *     [WHERE <condition> [AND <condition>]…]
 *     [ORDERBY | ORDER BY <field> [ASC | DESC]]
 *     [STARTPOSITION n] [MAXRESULTS m]
 *
 * where a condition is `<field> <op> <value>` (op one of = < <= > >= !=), `<field> IN (v, …)` or
 * `<field> LIKE '…'`. Keywords are case-insensitive. QuickBooks has no OR and no parentheses for
 * grouping, and neither does this. Field names and values are checked later, by the executor.
 */
import { tokenize, type Token } from './lexer.js';
import { parserError } from './query-errors.js';

export type Literal = { type: 'string'; value: string } | { type: 'number'; value: number } | { type: 'boolean'; value: boolean };
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface Condition {
  field: string;
  operator: ComparisonOperator | 'IN' | 'LIKE';
  values: Literal[];
  column: number;
}

export interface ParsedQuery {
  select: 'rows' | 'count';
  /** For `SELECT Id, MetaData.LastUpdatedTime FROM …`: the fields asked for (absent for `*`). */
  fields?: string[];
  entityName: string;
  conditions: Condition[];
  orderBy?: { field: string; direction: 'ASC' | 'DESC' };
  startPosition?: number;
  maxResults?: number;
}

const COMPARISONS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'ORDER', 'ORDERBY', 'BY', 'ASC', 'DESC', 'STARTPOSITION', 'MAXRESULTS', 'IN', 'LIKE']);

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): ParsedQuery {
    this.expectKeyword('SELECT');
    let select: ParsedQuery['select'] = 'rows';
    let fields: string[] | undefined;
    if (this.peekWord('COUNT') && this.peekSymbol(1, '(')) {
      this.index += 1;
      this.expectSymbol('(');
      this.expectSymbol('*');
      this.expectSymbol(')');
      select = 'count';
    } else if (!this.acceptSymbol('*')) {
      fields = [this.expectField('"*", "COUNT(*)" or a field name')];
      while (this.acceptSymbol(',')) fields.push(this.expectField('a field name'));
    }
    this.expectKeyword('FROM');
    const entityName = this.expectWord('an entity name');
    const query: ParsedQuery = { select, entityName, conditions: [], ...(fields ? { fields } : {}) };

    if (this.acceptKeyword('WHERE')) {
      do query.conditions.push(this.condition());
      while (this.acceptKeyword('AND'));
    }
    if (this.acceptKeyword('ORDERBY') || (this.acceptKeyword('ORDER') && this.expectKeyword('BY'))) {
      const field = this.expectField('a field name');
      let direction: 'ASC' | 'DESC' = 'ASC';
      if (this.acceptKeyword('DESC')) direction = 'DESC';
      else this.acceptKeyword('ASC');
      query.orderBy = { field, direction };
    }
    for (let clause = 0; clause < 2; clause++) {
      if (query.startPosition === undefined && this.acceptKeyword('STARTPOSITION')) query.startPosition = this.integer();
      else if (query.maxResults === undefined && this.acceptKeyword('MAXRESULTS')) query.maxResults = this.integer();
    }
    if (this.peek().type !== 'end') throw this.unexpected('<EOF>');
    return query;
  }

  private condition(): Condition {
    const fieldToken = this.peek();
    const field = this.expectField('a field name');
    const operatorToken = this.peek();
    if (this.acceptKeyword('IN')) {
      this.expectSymbol('(');
      const values = [this.literal()];
      while (this.acceptSymbol(',')) values.push(this.literal());
      this.expectSymbol(')');
      return { field, operator: 'IN', values, column: fieldToken.column };
    }
    if (this.acceptKeyword('LIKE')) return { field, operator: 'LIKE', values: [this.literal()], column: fieldToken.column };
    if (operatorToken.type === 'symbol' && COMPARISONS.has(operatorToken.text)) {
      this.index += 1;
      const operator = (operatorToken.text === '<>' ? '!=' : operatorToken.text) as ComparisonOperator;
      return { field, operator, values: [this.literal()], column: fieldToken.column };
    }
    throw this.unexpected('an operator (=, <, <=, >, >=, !=, IN, LIKE)');
  }

  private literal(): Literal {
    const token = this.peek();
    if (token.type === 'string') {
      this.index += 1;
      return { type: 'string', value: token.text };
    }
    if (token.type === 'number') {
      this.index += 1;
      return { type: 'number', value: Number(token.text) };
    }
    if (token.type === 'word' && /^(true|false)$/i.test(token.text)) {
      this.index += 1;
      return { type: 'boolean', value: token.text.toLowerCase() === 'true' };
    }
    throw this.unexpected("a value ('text', a number, true or false)");
  }

  private integer(): number {
    const token = this.peek();
    if (token.type !== 'number' || !/^-?\d+$/.test(token.text)) throw this.unexpected('an integer');
    this.index += 1;
    return Number(token.text);
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private peekWord(keyword: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.text.toUpperCase() === keyword;
  }

  private peekSymbol(ahead: number, symbol: string): boolean {
    const token = this.tokens[this.index + ahead];
    return token?.type === 'symbol' && token.text === symbol;
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.peek();
    if (token.type === 'word' && token.text.toUpperCase() === keyword) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private expectKeyword(keyword: string): true {
    if (!this.acceptKeyword(keyword)) throw this.unexpected(`"${keyword}"`);
    return true;
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.type === 'symbol' && token.text === symbol) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(`"${symbol}"`);
  }

  private expectField(what: string): string {
    if (KEYWORDS.has(this.peek().text.toUpperCase())) throw this.unexpected(what);
    return this.expectWord(what);
  }

  private expectWord(what: string): string {
    const token = this.peek();
    if (token.type !== 'word') throw this.unexpected(what);
    this.index += 1;
    return token.text;
  }

  private unexpected(expected: string) {
    const token = this.peek();
    const shown = token.type === 'string' ? `'${token.text}'` : token.text;
    return parserError(`Encountered "${shown}" at line 1, column ${token.column}. Was expecting: ${expected}`);
  }
}

export function parseQuery(statement: string): ParsedQuery {
  if (statement.trim() === '') throw parserError('Encountered "<EOF>" at line 1, column 1. Was expecting: "SELECT"');
  return new Parser(tokenize(statement)).parse();
}
