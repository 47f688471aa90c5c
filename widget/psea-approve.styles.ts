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
