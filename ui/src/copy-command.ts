import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type CopyState = 'idle' | 'copied' | 'failed';

/** Copies through a selected textarea where the Clipboard API is missing (plain http off localhost). */
function copyWithSelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } finally {
    area.remove();
  }
}

async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard !== undefined && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return copyWithSelection(text);
    }
  }
  return copyWithSelection(text);
}

export interface CopyCommandProps {
  readonly label: string;
  readonly command: string;
}

/** A shell command shown verbatim, with a button that puts it on the clipboard. */
export function CopyCommand({ label, command }: CopyCommandProps): VNode {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const onCopy = (): void => {
    void copyText(command).then((ok) => setState(ok ? 'copied' : 'failed'));
  };
  const buttonText = state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy by hand' : 'Copy';
  return html`
    <div class="command">
      <div class="command-label">${label}</div>
      <div class="command-row">
        <pre class="command-text" data-testid="command"><code>${command}</code></pre>
        <button type="button" class="copy-button" onClick=${onCopy} aria-label=${`Copy: ${label}`}>${buttonText}</button>
      </div>
    </div>
  `;
}
