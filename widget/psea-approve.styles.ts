import { css } from 'lit';
import { base } from './base.styles';

export const styles = [
  base,
  css`
    details {
      margin: -0.5rem 0 1rem;
      color: var(--_muted);
      font-size: 0.875rem;
    }
    summary {
      cursor: pointer;
      padding: 0.25rem 0;
      border-radius: 4px;
      width: fit-content;
    }
    summary:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: 2px;
    }
    details dl {
      margin: 0.25rem 0 0;
    }
    .hint {
      margin: 0.25rem 0 0;
    }
    .signed {
      margin-bottom: 0.75rem;
    }
    .signed dt,
    .signed dd {
      overflow-wrap: anywhere;
    }
    .signed dd {
      color: var(--_fg);
    }
    .path {
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      font-size: 0.8125rem;
    }
    .punct {
      color: var(--_muted);
      opacity: 0.8;
    }
    .literal {
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      font-size: 0.8125rem;
    }
    details dd {
      font-weight: 400;
    }
    .mono {
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      font-size: 0.8125rem;
      word-break: break-all;
      text-align: start;
    }
  `,
];
