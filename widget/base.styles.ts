import { css } from 'lit';

/**
 * Shared look. Every colour and size reads a public `--psea-*` custom property
 * with a default, so a host sets them on the element or any ancestor; dark
 * defaults follow `prefers-color-scheme`, and motion stops under
 * `prefers-reduced-motion`.
 */
export const base = css`
  :host {
    --_accent: var(--psea-accent, #1d4ed8);
    --_accent-fg: var(--psea-accent-fg, #fff);
    --_bg: var(--psea-bg, #fff);
    --_fg: var(--psea-fg, #111827);
    --_muted: var(--psea-muted, #4b5563);
    --_border: var(--psea-border, #e3e6ec);
    --_danger: var(--psea-danger, #b42318);
    --_success: var(--psea-success, #067647);
    --_radius: var(--psea-radius, 16px);
    display: block;
    max-width: 28rem;
    color: var(--_fg);
    font: 15px/1.5 var(--psea-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    -webkit-font-smoothing: antialiased;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--psea-accent, #8fb0ff);
      --_accent-fg: var(--psea-accent-fg, #0b1220);
      --_bg: var(--psea-bg, #161b26);
      --_fg: var(--psea-fg, #f3f4f6);
      --_muted: var(--psea-muted, #a9b0bd);
      --_border: var(--psea-border, #2c3444);
      --_danger: var(--psea-danger, #ff9b8f);
      --_success: var(--psea-success, #6ee7a8);
    }
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .base {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1.25rem;
    box-shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 8px 24px -8px rgb(16 24 40 / 12%);
  }
  .title {
    font-size: 1.15rem;
    font-weight: 650;
    line-height: 1.3;
    margin: 0 0 0.75rem;
    overflow-wrap: anywhere;
  }
  dl {
    margin: 0 0 1rem;
  }
  dl > div {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.125rem 1rem;
    padding: 0.5rem 0;
    border-top: 1px solid var(--_border);
  }
  dl > div:last-child {
    border-bottom: 1px solid var(--_border);
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    font-weight: 550;
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
    text-align: end;
    white-space: pre-wrap;
  }
  /* Every shown string is a bdi: its direction stays inside it (restated, as the UA sheet has it). */
  bdi {
    unicode-bidi: isolate;
  }
  /* A character that hides, shown as ⟨U+XXXX⟩: a mark no typed text can look like. */
  .cp {
    margin: 0 0.0625rem;
    padding: 0 0.25rem;
    border: 1px solid var(--_danger);
    border-radius: 4px;
    background: #fef3f2;
    background: color-mix(in srgb, var(--_danger) 12%, var(--_bg));
    color: var(--_danger);
    font: 600 0.75em/1.5 ui-monospace, SFMono-Regular, Menlo, monospace;
    white-space: nowrap;
  }
  .status {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
    margin: 0 0 1rem;
    color: var(--_muted);
    outline: none;
  }
  .status:last-child {
    margin-bottom: 0;
  }
  :host([state='done']) .status {
    color: var(--_success);
    font-weight: 600;
  }
  :host([state='stored']) .status {
    color: var(--_fg);
    font-weight: 600;
  }
  :host([state='error']) .status {
    color: var(--_danger);
  }
  .icon {
    flex: none;
    width: 1.25rem;
    height: 1.25rem;
    margin-top: 0.0625rem;
    border-radius: 50%;
    background: currentColor;
    fill: none;
    stroke: var(--_bg);
    stroke-width: 2.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .action {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    width: 100%;
    min-height: 2.75rem;
    padding: 0.625rem 1rem;
    border: 0;
    border-radius: calc(var(--_radius) * 0.625);
    background: var(--_accent);
    color: var(--_accent-fg);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    transition: filter 0.15s, transform 0.05s;
  }
  .action:hover {
    filter: brightness(1.1);
  }
  .action:active {
    transform: translateY(1px);
  }
  .action:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 3px;
  }
  .action[aria-disabled='true'] {
    cursor: progress;
    filter: saturate(0.7);
  }
  .spinner {
    width: 1rem;
    height: 1rem;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  .skeleton {
    border-radius: 6px;
    background: linear-gradient(90deg, var(--_border) 25%, transparent 50%, var(--_border) 75%) 0 0 / 200% 100%;
    animation: shimmer 1.4s linear infinite;
  }
  .skeleton.title {
    width: 60%;
    height: 1.5rem;
  }
  .skeleton.lines {
    height: 5.5rem;
    margin-bottom: 1rem;
    opacity: 0.6;
  }
  @keyframes shimmer {
    to {
      background-position: -200% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner,
    .skeleton {
      animation: none;
    }
    .action {
      transition: none;
    }
  }
`;
