/**
 * The item list's styles, in the batch part rather than widget.js (size
 * budget): adopted into the element's shadow root when the list is attached.
 * A constructed sheet, so no CSP nonce is needed.
 */
const CSS = `
.items{display:block;max-height:24rem;overflow:auto;margin:0 0 1rem;padding:0 .5rem;border:1px solid var(--_border);border-radius:6px;font-size:.875rem;counter-reset:item}
.item{display:grid;grid-template-columns:minmax(4rem,auto) 1fr;gap:0 .5rem;padding:.25rem 0;border-bottom:1px solid var(--_border);content-visibility:auto;contain-intrinsic-size:auto 4.5rem;counter-increment:item;color:var(--_muted);font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8125rem}
.item::before{content:counter(item);grid-column:1/-1;font-size:.75rem}
.item bdi{overflow-wrap:anywhere;color:var(--_fg);font-family:var(--psea-font,system-ui,sans-serif);font-size:.875rem}
.item .l{font-family:inherit;font-size:inherit}
.item .s::before,.item .s::after{content:'"';color:var(--_muted)}
`;

let sheet: CSSStyleSheet | undefined;

/** `<psea-batch-items>`: the list's container, which brings its styles into the shadow root it joins. */
export function defineContainer(): void {
  if (customElements.get('psea-batch-items')) return;
  customElements.define(
    'psea-batch-items',
    class extends HTMLElement {
      connectedCallback(): void {
        const root = this.getRootNode();
        if (!(root instanceof ShadowRoot)) return;
        if (!sheet) {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(CSS);
        }
        if (!root.adoptedStyleSheets.includes(sheet))
          root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      }
    },
  );
}
