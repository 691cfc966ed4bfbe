import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, visit, type YAMLError } from 'yaml';

/** A YAML syntax problem as the author should read it: one root cause, where to fix it. */
export interface YamlSyntaxProblem {
  readonly code: 'SCENARIO_SYNTAX' | 'SCENARIO_TOO_DEEP';
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

function lineText(text: string, line: number): string {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');

/** The nearest line after `line` that holds content, with its number. */
function nextContentLine(text: string, line: number): { line: number; text: string } | null {
  const lines = text.split('\n');
  for (let l = line + 1; l <= lines.length && l <= line + 50; l++) {
    const candidate = (lines[l - 1] ?? '').replace(/\r$/, '');
    if (isContent(candidate)) return { line: l, text: candidate };
  }
  return null;
}

function previousContentLine(text: string, line: number): { line: number; text: string } | null {
  for (let l = line - 1; l >= 1 && l >= line - 50; l--) {
    const candidate = lineText(text, l);
    if (isContent(candidate)) return { line: l, text: candidate };
  }
  return null;
}

/**
 * After one slip the YAML parser reports a cascade (an over-indented line gives "nested mappings",
 * "implicit keys need to be on a single line" and more); only the first error is the cause, so one
 * problem is reported, in the author's terms, at the line to fix.
 */
export function yamlSyntaxProblem(errors: readonly YAMLError[], text: string, counter: LineCounter, maxDepth: number): YamlSyntaxProblem {
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0]!;
  const exhausted = errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  const at = counter.linePos((exhausted ?? first).pos[0]);
  if (exhausted) return { code: 'SCENARIO_TOO_DEEP', message: `the nesting is too deep to read (the limit is ${maxDepth} levels)`, line: at.line, column: at.col };
  const problem = (message: string, line = at.line, column = at.col): YamlSyntaxProblem => ({ code: 'SCENARIO_SYNTAX', message, line, column });
  const here = lineText(text, at.line);
  switch (first.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      const rest = here.slice(at.col - 1);
      const colon = /:(\s|$)/.exec(rest);
      if (colon && !/^["'[{]/.test(rest)) {
        const key = here.slice(0, at.col - 1).trimEnd();
        return problem(`the value ${JSON.stringify(rest.trim())} contains ": ", which YAML reads as the start of another key; put the value in quotes: ${key.trim()} ${JSON.stringify(rest.trim())}`);
      }
      const next = nextContentLine(text, at.line);
      if (next && indentOf(next.text) > indentOf(here)) {
        return problem(
          `line ${next.line} is indented further (${indentOf(next.text)} spaces) than line ${at.line} (${indentOf(here)} spaces), so YAML reads it as part of the value on line ${at.line}; give it the same indentation as the line above`,
          next.line,
          1,
        );
      }
      return problem('a key must fit on one line and its value cannot start a nested mapping on the same line; check the indentation here');
    }
    case 'BAD_INDENT': {
      const previous = previousContentLine(text, at.line);
      const detail = previous ? ` (line ${previous.line} is indented ${indentOf(previous.text)} spaces, this one ${indentOf(here)})` : '';
      return problem(`this line is not indented like the other keys of its mapping${detail}; keys of one mapping must start in the same column`, at.line, 1);
    }
    case 'TAB_AS_INDENT':
      return problem('a tab is used for indentation; YAML indents with spaces only', at.line, 1);
    case 'DUPLICATE_KEY': {
      const key = /^\s*(?:-\s+)?["']?([^"':]+)["']?\s*:/.exec(here)?.[1];
      return problem(key ? `the key "${key.trim()}" appears twice in the same mapping` : 'a key appears twice in the same mapping');
    }
    case 'MULTIPLE_DOCS':
      return problem('the file holds more than one YAML document (a "---" line starts another); a scenario is one document');
    case 'MISSING_CHAR':
      return problem(`${first.message.split('\n')[0] ?? first.message}: a quote or bracket opened earlier is not closed`);
    default:
      return problem(first.message.split('\n')[0] ?? first.message);
  }
}

export type AliasExpansion = number | 'cycle' | { readonly unresolved: string; readonly offset: number };

/**
 * Nodes the aliases of a document add when expanded; `'cycle'` when an alias contains itself, the
 * alias when one names no anchor before it.
 */
export function aliasExpansion(doc: Document): AliasExpansion {
  const anchors = new Map<string, Node>();
  const targets = new Map<Node, Node | undefined>();
  let own = 0;
  // visit() walks in document order and a node before its children: an alias meets the anchor
  // that is in force where it stands, as YAML defines.
  visit(doc, (_key, node) => {
    if (isPair(node)) return;
    if (isAlias(node)) targets.set(node, anchors.get(node.source));
    else {
      own++;
      if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) anchors.set(node.anchor, node);
    }
  });
  if (targets.size === 0) return 0;
  for (const [alias, target] of targets) {
    if (target === undefined && isAlias(alias)) return { unresolved: alias.source, offset: alias.range?.[0] ?? 0 };
  }
  const children = (node: Node): Node[] => {
    if (isAlias(node)) {
      const target = targets.get(node);
      return target ? [target] : [];
    }
    if (isMap(node)) return node.items.flatMap((pair) => [pair.key, pair.value].filter((n): n is Node => isAlias(n) || isScalar(n) || isMap(n) || isSeq(n)));
    if (isSeq(node)) return node.items.filter((n): n is Node => isAlias(n) || isScalar(n) || isMap(n) || isSeq(n));
    return [];
  };
  const size = new Map<Node, number>();
  const open = new Set<Node>();
  const root = doc.contents as Node | null;
  if (!root) return 0;
  // Iterative post-order with memoised subtree sizes: linear in the document, whatever the expansion.
  const stack: Array<{ node: Node; entered: boolean }> = [{ node: root, entered: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (size.has(top.node)) {
      stack.pop();
      continue;
    }
    if (!top.entered) {
      if (open.has(top.node)) return 'cycle';
      open.add(top.node);
      top.entered = true;
      for (const child of children(top.node)) {
        if (open.has(child)) return 'cycle';
        if (!size.has(child)) stack.push({ node: child, entered: false });
      }
      continue;
    }
    let total = isAlias(top.node) ? 0 : 1;
    for (const child of children(top.node)) total += size.get(child) ?? 0;
    size.set(top.node, total);
    open.delete(top.node);
    stack.pop();
  }
  return Math.max(0, (size.get(root) ?? 0) - own);
}
