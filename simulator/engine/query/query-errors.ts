/**
 * Query failures, in Intuit's two flavours: the statement does not parse (code 4000, "Error parsing
 * query", Detail "QueryParserError: …"), or it parses but asks for something invalid (code 4001,
 * "Invalid query", Detail "QueryValidationError: …"). Both answer 400 with a ValidationFault.
 */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly code: '4000' | '4001',
    readonly faultMessage: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function parserError(detail: string): QueryError {
  return new QueryError('4000', 'Error parsing query', `QueryParserError: ${detail}`);
}

export function validationError(detail: string): QueryError {
  return new QueryError('4001', 'Invalid query', `QueryValidationError: ${detail}`);
}
