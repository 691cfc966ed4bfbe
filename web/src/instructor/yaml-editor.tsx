import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { Compartment, EditorSelection, EditorState } from '@codemirror/state';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { yaml, yamlLanguage } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { hoverTooltip } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { stateExtensions } from 'codemirror-json-schema';
import { yamlCompletion, yamlSchemaHover } from 'codemirror-json-schema/yaml';
import type { ScenarioProblemDto } from '@contracts/scenario-api.schema.js';
import scenarioSchema from '../../../scenarios/scenario.schema.json';
import { problemRange } from './timeline-layout.js';

export interface YamlEditorHandle {
  /** Puts the cursor at the start of line `line` (1-based), scrolls it to the middle of the editor and focuses it. */
  jumpTo(line: number): void;
  text(): string;
  /** Replaces the whole text (a file opened from disk, a stored version loaded). */
  setText(text: string): void;
}

interface YamlEditorProps {
  readonly initialText: string;
  readonly readOnly: boolean;
  readonly dark: boolean;
  /** Problems and warnings of the text as it is now (a check of older text must not be passed in). */
  readonly problems: readonly ScenarioProblemDto[];
  readonly warnings: readonly ScenarioProblemDto[];
  readonly label: string;
  readonly onChange: () => void;
}

/** Colours of YAML that read on both themes (the default style is for light backgrounds only). */
const highlight = (dark: boolean) =>
  HighlightStyle.define([
    { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: dark ? '#7cc4fa' : '#1c5fa8' },
    { tag: [tags.string, tags.special(tags.string), tags.content], color: dark ? '#d6e3a5' : '#2f6b1f' },
    { tag: [tags.number, tags.bool, tags.null, tags.atom], color: dark ? '#f2b482' : '#a6461c' },
    { tag: [tags.comment, tags.lineComment], color: dark ? '#8b949e' : '#6a737d', fontStyle: 'italic' },
    { tag: [tags.keyword, tags.labelName, tags.typeName, tags.meta], color: dark ? '#d2a8ff' : '#7a3aa8' },
    { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: dark ? '#a0a8b0' : '#57606a' },
  ]);

const theme = (dark: boolean) =>
  EditorView.theme(
    {
      '&': { height: '100%', fontSize: '12.5px', backgroundColor: 'var(--mantine-color-body)', color: 'var(--mantine-color-text)' },
      '.cm-scroller': { fontFamily: "SFMono-Regular, Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace", lineHeight: '1.5' },
      '.cm-gutters': {
        backgroundColor: dark ? 'var(--mantine-color-dark-6)' : 'var(--mantine-color-gray-0)',
        color: 'var(--mantine-color-dimmed)',
        border: 'none',
      },
      '.cm-activeLine': { backgroundColor: dark ? 'rgba(255,255,255,0.05)' : 'rgba(0,80,200,0.05)' },
      '.cm-activeLineGutter': { backgroundColor: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,80,200,0.08)' },
      '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
        backgroundColor: dark ? 'rgba(80,140,255,0.35)' : 'rgba(80,140,255,0.25)',
      },
      '.cm-tooltip': { maxWidth: '460px', fontSize: '12px' },
      '.cm-tooltip-lint, .cm6-json-schema-hover': { padding: '4px 8px' },
      '.cm6-json-schema-hover--code': { fontFamily: 'ui-monospace, monospace', opacity: 0.8 },
    },
    { dark },
  );

/**
 * Completion re-reads the whole document (a YAML parse and a walk of every node) on each request:
 * as-you-type in a small file, on Ctrl+Space only in a large one such as the flagship, where it
 * would hold every keystroke.
 */
const AUTO_COMPLETE_MAX_CHARS = 20_000;
const schemaCompletion = yamlCompletion();
const completeFromSchema = (context: Parameters<typeof schemaCompletion>[0]) =>
  context.explicit || context.state.doc.length <= AUTO_COMPLETE_MAX_CHARS ? schemaCompletion(context) : null;

function toDiagnostics(state: EditorState, problems: readonly ScenarioProblemDto[], severity: Diagnostic['severity']): Diagnostic[] {
  return problems.map((problem) => {
    const line = state.doc.line(Math.min(Math.max(1, problem.line), state.doc.lines));
    const range = problemRange(line.text, problem.column);
    return {
      from: line.from + range.from,
      to: line.from + range.to,
      severity,
      source: problem.code,
      message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
    };
  });
}

/**
 * The scenario editor: CodeMirror with YAML highlighting, completion and hover documentation from
 * the scenario JSON Schema, and the server validator's problems shown at their line:column. The
 * schema drives only completion and hovers: every diagnostic comes from the one server validator.
 */
export const YamlEditor = forwardRef<YamlEditorHandle, YamlEditorProps>(function YamlEditor(
  { initialText, readOnly, dark, problems, warnings, label, onChange },
  handle,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const looks = useRef(new Compartment());
  const editable = useRef(new Compartment());
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initialText,
        extensions: [
          basicSetup,
          // Long texts (descriptions, raw logs) wrap: half a 1366-pixel screen shows them without scrolling sideways.
          EditorView.lineWrapping,
          yaml(),
          yamlLanguage.data.of({ autocomplete: completeFromSchema }),
          hoverTooltip(yamlSchemaHover()),
          stateExtensions(scenarioSchema as unknown as Parameters<typeof stateExtensions>[0]),
          lintGutter(),
          looks.current.of([theme(dark), syntaxHighlighting(highlight(dark))]),
          editable.current.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
          EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'scenario-source', spellcheck: 'false' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current();
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; later props reach it through the effects below.
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: looks.current.reconfigure([theme(dark), syntaxHighlighting(highlight(dark))]) });
  }, [dark]);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]) });
  }, [readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch(setDiagnostics(editor.state, [...toDiagnostics(editor.state, problems, 'error'), ...toDiagnostics(editor.state, warnings, 'warning')]));
  }, [problems, warnings]);

  useImperativeHandle(
    handle,
    () => ({
      jumpTo(line: number) {
        const editor = view.current;
        if (!editor) return;
        const target = editor.state.doc.line(Math.min(Math.max(1, line), editor.state.doc.lines));
        editor.dispatch({
          // A cursor, not a selection: the author's next keystroke must not replace the line.
          selection: EditorSelection.cursor(target.from + (target.text.length - target.text.trimStart().length)),
          effects: EditorView.scrollIntoView(target.from, { y: 'center' }),
        });
        editor.focus();
      },
      text: () => view.current?.state.doc.toString() ?? '',
      setText(text: string) {
        const editor = view.current;
        if (!editor) return;
        editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
      },
    }),
    [],
  );

  return <div ref={host} className="scenario-yaml-editor" data-testid="scenario-editor" style={{ height: '100%', minHeight: 0, overflow: 'hidden' }} />;
});
