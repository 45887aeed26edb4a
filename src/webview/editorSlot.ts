/**
 * The loss editor's place in the panel, before and after CodeMirror arrives.
 *
 * CodeMirror (with the TypeScript grammar) is a third of the webview's code and its first
 * dispatches cost a few hundred milliseconds on a slow machine: the panel's first plotted point
 * should not wait for it. So the panel shows the loss's code at once as plain, read-only text in
 * the editor's place, and `load()` (called once the first chart is drawn) imports the editor
 * chunk and swaps it in with the text, read-only state and error marks it was given meanwhile.
 * Until then nothing can be typed, so no edit is lost.
 */
import type { LossEditor, SnippetMark } from './lossEditor';

export class EditorSlot {
  private editor: LossEditor | undefined;
  private loading: Promise<void> | undefined;
  private text = '';
  private readOnly = false;
  private marks: readonly SnippetMark[] = [];
  /** Which problem the text is the code of (a switch starts a fresh undo history). */
  private problem: string | undefined;
  private readonly placeholder: HTMLPreElement;

  constructor(host: HTMLElement, private readonly onEdit: (source: string) => void, private readonly nonce?: string) {
    this.placeholder = document.createElement('pre');
    this.placeholder.className = 'loss-editor-placeholder';
    this.placeholder.setAttribute('aria-label', 'Loss function (TypeScript), loading the editor');
    // It scrolls: reachable by the keyboard like any scrolled region.
    this.placeholder.tabIndex = 0;
    host.appendChild(this.placeholder);
  }

  /** The text in the editor (what the person typed, once they can). */
  get source(): string {
    return this.editor ? this.editor.source : this.text;
  }

  /** Whether CodeMirror is in place (tests and the debug hook). */
  get loaded(): boolean {
    return this.editor !== undefined;
  }

  /**
   * Shows the code of `problem`. Another problem's code replaces the text with an undo history of
   * its own (so undo never brings the previous problem back); the same problem's new text (the
   * host's, or the person's own typing that made a preset a snippet) is an edit of it.
   */
  show(source: string, o: { problem: string }): void {
    const switched = this.problem !== undefined && o.problem !== this.problem && source !== this.source;
    this.problem = o.problem;
    if (source === this.source) return;
    this.text = source;
    if (!this.editor) this.placeholder.textContent = source;
    else if (switched) {
      this.editor.replaceDocument(source);
      this.editor.setMarks(this.marks);
    } else this.editor.setSource(source);
  }

  setReadOnly(readOnly: boolean): void {
    if (readOnly === this.readOnly) return;
    this.readOnly = readOnly;
    this.editor?.setReadOnly(readOnly);
  }

  /** Compile and runtime errors at line:column (kept until the editor can show them). */
  setMarks(marks: readonly SnippetMark[]): void {
    // An unchanged (usually empty) list costs CodeMirror a dispatch and a DOM selection read.
    if (JSON.stringify(marks) === JSON.stringify(this.marks)) return;
    this.marks = marks;
    this.editor?.setMarks(marks);
  }

  /** Loads CodeMirror and puts it in place of the plain text (once; later calls wait for the first). */
  load(): Promise<void> {
    this.loading ??= import('./lossEditor.js').then(({ LossEditor }) => {
      // In the placeholder's place (not beside it): CodeMirror measures its lines when it mounts,
      // and lines measured below the placeholder, clipped by the box, came out with gaps.
      const mount = document.createElement('div');
      this.placeholder.replaceWith(mount);
      const editor = new LossEditor(mount, this.text, (source) => {
        this.text = source;
        this.onEdit(source);
      }, this.nonce);
      if (this.readOnly) editor.setReadOnly(true);
      if (this.marks.length > 0) editor.setMarks(this.marks);
      editor.view.requestMeasure();
      this.editor = editor;
    });
    return this.loading;
  }
}
