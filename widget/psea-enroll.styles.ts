import { css } from 'lit';
import { base } from './base.styles';

export const styles = [
  base,
  css`
    .title {
      margin-bottom: 0.25rem;
    }
    .intro {
      margin: 0 0 1rem;
      color: var(--_muted);
    }
  `,
];
