/**
 * The loss editor: CodeMirror 6 with TypeScript highlighting, colours from the VS Code theme,
 * compile/runtime errors from the host marked at their line and column (@codemirror/lint), and
 * Tab that moves the focus on unless Ctrl+M asks it to indent (said under the editor).
 *
 * Token colours use `classHighlighter` (`tok-keyword`, `tok-string`, …) styled in
 * `media/panel.css` per theme class, so the editor follows light, dark and high contrast with
 * no style injected beyond CodeMirror's own constructable stylesheets (allowed by the CSP).
 */
import { EditorState, Compartment, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { classHighlighter } from '@lezer/highlight';

/** An error in the snippet, 1-based line and column as the TypeScript compiler reports them. */
export interface SnippetMark {
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly message: string;
  readonly severity?: 'error' | 'warning';
}

/** Converts 1-based line/column marks into CodeMirror diagnostics, clamped to the document. */
export function marksToDiagnostics(doc: { readonly lines: number; line(n: number): { from: number; to: number } }, marks: readonly SnippetMark[]): Diagnostic[] {
  const pos = (line: number, column: number): number => {
    const l = doc.line(Math.min(Math.max(1, Math.floor(line)), doc.lines));
    return Math.min(l.from + Math.max(0, Math.floor(column) - 1), l.to);
  };
  return marks.map((m) => {
    const from = pos(m.line, m.column);
    let to = m.endLine !== undefined ? pos(m.endLine, m.endColumn ?? m.column) : from;
    if (to <= from) {
      // A point mark: underline to the end of the word (or one character) so it is visible.
      const l = doc.line(Math.min(Math.max(1, Math.floor(m.line)), doc.lines));
      to = Math.min(Math.max(from + 1, from), l.to);
    }
    return { from, to: Math.max(from, to), severity: m.severity ?? 'error', message: m.message, source: 'loss' };
  });
}

/** The line under the editor that says what Tab does now and how to switch (VS Code's Ctrl+M). */
export function tabKeysHint(tabMovesFocus: boolean): string {
  return tabMovesFocus
    ? 'Tab moves the focus on. Ctrl+M: Tab indents instead.'
    : 'Tab indents. Ctrl+M: Tab moves the focus on (or Escape, then Tab).';
}

export class LossEditor {
  readonly view: EditorView;
  private readonly readOnly = new Compartment();
  private applyingRemote = false;
  /**
   * Tab leaves the editor (CodeMirror's tab-focus mode) until the person presses Ctrl+M, as in VS
   * Code: a keyboard user tabbing through the panel passes the editor without editing the loss.
   */
  private tabMovesFocus = true;
  private readonly hint: HTMLElement;

  private readonly extensions: Extension[];

  constructor(parent: HTMLElement, doc: string, private readonly onEdit: (source: string) => void, nonce?: string) {
    this.hint = document.createElement('div');
    this.hint.className = 'loss-editor-keys';
    this.hint.id = 'loss-editor-keys';
    this.hint.setAttribute('aria-live', 'polite');
    const toggleTab = (view: EditorView): boolean => {
      this.tabMovesFocus = !this.tabMovesFocus;
      view.setTabFocusMode(this.tabMovesFocus);
      this.hint.textContent = tabKeysHint(this.tabMovesFocus);
      return true;
    };
    this.extensions = [
      keymap.of([{ key: 'Ctrl-m', run: toggleTab }, { mac: 'Alt-Shift-m', run: toggleTab }]),
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      highlightActiveLine(),
      syntaxHighlighting(classHighlighter),
      javascript({ typescript: true }),
      lintGutter(),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorState.tabSize.of(2),
      ...(nonce ? [EditorView.cspNonce.of(nonce)] : []),
      this.readOnly.of(EditorState.readOnly.of(false)),
      // tabindex: the text is focusable anyway (contenteditable); said, so checkers see the scroller has a focusable inside.
      EditorView.contentAttributes.of({ 'aria-label': 'Loss function (TypeScript)', 'aria-describedby': this.hint.id, tabindex: '0' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !this.applyingRemote) this.onEdit(u.state.doc.toString());
      }),
    ];
    this.view = new EditorView({
      parent,
      // CodeMirror mounts its styles on the root it finds by walking up from `parent`, through slots:
      // the panel's sections are web components, so that would be a section's shadow root, whose
      // styles do not reach the editor's (light DOM) lines. The document is where they apply.
      root: parent.ownerDocument,
      state: EditorState.create({ doc, extensions: this.extensions }),
    });
    this.view.setTabFocusMode(this.tabMovesFocus);
    this.hint.textContent = tabKeysHint(this.tabMovesFocus);
    parent.appendChild(this.hint);
  }

  /** Another problem's code: a new document with an empty undo history (read-only state and marks kept). */
  replaceDocument(source: string): void {
    const readOnly = this.view.state.readOnly;
    this.view.setState(EditorState.create({ doc: source, extensions: this.extensions }));
    if (readOnly) this.setReadOnly(true);
  }

  get source(): string {
    return this.view.state.doc.toString();
  }

  /** Replaces the text (a preset was picked, or the host sent a snapshot) without echoing an edit. */
  setSource(source: string): void {
    if (source === this.source) return;
    this.applyingRemote = true;
    try {
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: source } });
    } finally {
      this.applyingRemote = false;
    }
  }

  setReadOnly(readOnly: boolean): void {
    this.view.dispatch({ effects: this.readOnly.reconfigure(EditorState.readOnly.of(readOnly)) });
  }

  /** Shows compile/runtime errors; an empty list clears them. */
  setMarks(marks: readonly SnippetMark[]): void {
    const diagnostics = marksToDiagnostics(this.view.state.doc, marks);
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }
}
