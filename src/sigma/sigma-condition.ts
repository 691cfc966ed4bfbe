import { SigmaError, unsupported } from './sigma-error.js';

/**
 * The Sigma condition language: `and`, `or`, `not`, parentheses, `1 of x*`, `all of x*`,
 * `1 of them`, `all of them`. Precedence, loosest first: or, and, not, `x of`, parentheses.
 * Hand-written because no kept library parses it; it is a small recursive-descent parser.
 */
export type ConditionNode =
  | { readonly kind: 'identifier'; readonly name: string }
  | { readonly kind: 'and' | 'or'; readonly items: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly item: ConditionNode }
  | { readonly kind: 'of'; readonly quantifier: 'one' | 'all'; readonly names: readonly string[] };

type Token = { readonly text: string; readonly at: number };

function invalidCondition(condition: string, message: string): SigmaError {
  return new SigmaError('SIGMA_INVALID_CONDITION', `condition "${condition}": ${message}`);
}

function tokenize(condition: string): Token[] {
  if (condition.includes('|'))
    throw unsupported('aggregation expressions (`| count() …`)', 'are Sigma 1 syntax that this evaluator does not implement (use correlation rules)');
  const tokens: Token[] = [];
  const pattern = /\s*(\(|\)|[^\s()]+)/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = pattern.exec(condition)) !== null) {
    tokens.push({ text: match[1]!, at: match.index });
    end = pattern.lastIndex;
  }
  if (condition.slice(end).trim() !== '') throw invalidCondition(condition, `cannot read "${condition.slice(end).trim()}"`);
  if (tokens.some((token) => token.text.toLowerCase() === 'near'))
    throw unsupported('the near operator', 'is Sigma 1 syntax that this evaluator does not implement');
  return tokens;
}

function wildcardToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/** Parses a condition against the search identifiers the detection defines. */
export function parseCondition(condition: string, identifiers: readonly string[]): ConditionNode {
  const tokens = tokenize(condition);
  let position = 0;
  const peek = (): string | undefined => tokens[position]?.text.toLowerCase();
  const take = (): string => {
    const token = tokens[position++];
    if (!token) throw invalidCondition(condition, 'ends too early');
    return token.text;
  };

  const parseOr = (): ConditionNode => {
    const items = [parseAnd()];
    while (peek() === 'or') {
      position++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): ConditionNode => {
    const items = [parseNot()];
    while (peek() === 'and') {
      position++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseNot = (): ConditionNode => {
    if (peek() === 'not') {
      position++;
      return { kind: 'not', item: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const text = take();
    const lower = text.toLowerCase();
    if (lower === '(') {
      const inner = parseOr();
      if (take() !== ')') throw invalidCondition(condition, 'a parenthesis is not closed');
      return inner;
    }
    if (peek() === 'of') {
      position++;
      if (lower !== '1' && lower !== 'all') {
        if (/^\d+$/.test(lower)) throw unsupported(`"${text} of"`, 'is not in the Sigma specification (only "1 of" and "all of")');
        throw invalidCondition(condition, `"${text} of" needs 1 or all`);
      }
      const target = take();
      const names =
        target.toLowerCase() === 'them'
          ? identifiers.filter((name) => !name.startsWith('_'))
          : identifiers.filter((name) => wildcardToRegExp(target).test(name));
      if (names.length === 0) throw invalidCondition(condition, `"${target}" matches no search identifier`);
      return { kind: 'of', quantifier: lower === '1' ? 'one' : 'all', names };
    }
    if (['and', 'or', ')', 'of', 'them'].includes(lower)) throw invalidCondition(condition, `unexpected "${text}"`);
    if (!identifiers.includes(text)) throw invalidCondition(condition, `"${text}" is not a search identifier of this detection`);
    return { kind: 'identifier', name: text };
  };

  if (tokens.length === 0) throw invalidCondition(condition, 'is empty');
  const tree = parseOr();
  if (position < tokens.length) throw invalidCondition(condition, `unexpected "${tokens[position]!.text}"`);
  return tree;
}

/** Evaluates a condition tree; `search` answers (and may cache) one search identifier. */
export function evaluateCondition(node: ConditionNode, search: (name: string) => boolean): boolean {
  switch (node.kind) {
    case 'identifier':
      return search(node.name);
    case 'and':
      return node.items.every((item) => evaluateCondition(item, search));
    case 'or':
      return node.items.some((item) => evaluateCondition(item, search));
    case 'not':
      return !evaluateCondition(node.item, search);
    case 'of':
      return node.quantifier === 'one' ? node.names.some(search) : node.names.every(search);
    default: {
      const exhaustive: never = node;
      throw new Error(`unknown condition node ${JSON.stringify(exhaustive)}`);
    }
  }
}
