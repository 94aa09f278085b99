import { html } from 'htm/preact';
import type { VNode } from 'preact';

export interface ErrorBannerProps {
  /** One message per failing request; empty when all is well. */
  readonly errors: readonly string[];
}

export function ErrorBanner({ errors }: ErrorBannerProps): VNode | null {
  if (errors.length === 0) return null;
  return html`
    <div class="error-banner" role="alert" data-testid="error-banner">
      ${errors.map((message) => html`<div key=${message}>${message}</div>`)}
    </div>
  `;
}
