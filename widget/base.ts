/**
 * The state machine both elements share. A subclass says which ticket kind it
 * serves, which ceremony it runs and what it shows; this class fetches the
 * options as soon as it has a ticket (so the click starts the ceremony at
 * once, and only one round trip follows it), maps every failure to a stable
 * code, announces each state in an `aria-live` region and fires the events.
 * A ceremony's answer may open another step on the same ticket (a new
 * passkey held for an existing one's approval): the element is then ready
 * again, for that step, and only the last step's answer is success.
 */
import {
  LitElement,
  html,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import { WebAuthnAbortService, browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { Failure, call, route } from './api';
import { ceremonyFailure } from './ceremony-failure';
import type { PseaErrorDetail, PseaState } from './element-types';
import { MESSAGES, type MessageKey, type Messages } from './messages';

export type { PseaErrorDetail, PseaState } from './element-types';

/** Where the widget was loaded from: the default `endpoint`. */
export const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

const spinner = html`<span class="spinner" aria-hidden="true"></span>`;
const icons = {
  done: html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>`,
  error: html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 7v6M12 16.5v.5"/></svg>`,
  // A clock: approved, waiting to be verified.
  stored: html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 7v5l3 2"/></svg>`,
};

export abstract class PseaElement<Data extends { options: unknown }> extends LitElement {
  static override properties: PropertyDeclarations = {
    endpoint: {},
    ticket: {},
    // Bad JSON in the attribute falls back to the defaults instead of throwing.
    messages: {
      converter: (v: string | null) => {
        try {
          return JSON.parse(v ?? '{}');
        } catch {
          return {};
        }
      },
    },
    state: { reflect: true },
    _data: { state: true },
    _fail: { state: true },
  };

  /** Origin of the PSEA service. Default: the origin `widget.js` was loaded from. */
  declare endpoint: string;
  /** The ticket from `enrollUrl`/`approveUrl` or the server API; changing it loads a new one. */
  declare ticket: string;
  /** Overrides for any message (see `MESSAGES`). */
  declare messages: Messages;
  /** The current state, reflected as an attribute. Read-only for hosts. */
  declare state: PseaState;
  declare protected _data: Data | undefined;
  declare protected _fail: Failure | undefined;

  /** `enrollments` or `actions`. */
  protected abstract readonly kind: string;
  /** Path after the ticket for the POST that completes this step's ceremony. */
  protected abstract tail(data: Data): string;
  /** Message key of the primary button's label. */
  protected abstract label(data: Data | undefined): MessageKey;
  /** Message key of the status line in `state` (when nothing failed). */
  protected abstract statusKey(state: PseaState, data: Data | undefined): MessageKey;
  protected abstract ceremony(data: Data): Promise<unknown>;
  /** The data of the next step when the service's answer opens one; else undefined, and the answer is success. */
  protected next(_data: Data, _result: unknown): Data | undefined {
    return undefined;
  }
  /** A failure known before any ceremony (a step nobody can complete), or undefined. */
  protected blocked(_data: Data): Failure | undefined {
    return undefined;
  }
  protected abstract succeed(result: unknown): void;
  protected abstract renderBody(data: Data | undefined): TemplateResult;

  /** Whether there is anything to load: a ticket (an offline approval has its own source). */
  protected hasSource(): boolean {
    return !!this.ticket;
  }
  /** What the loaded data stands for: a queued click starts a ceremony for this source only. */
  protected sourceKey(): string {
    return `${this.endpoint} ${this.ticket}`;
  }
  /** Whether a change of these properties loads the data again. */
  protected reloads(changed: PropertyValues): boolean {
    return changed.has('ticket') || changed.has('endpoint');
  }
  /** The ceremony's data: the service's options for the ticket. */
  protected fetchData(): Promise<Data> {
    return call<Data>(route(this.endpoint || SCRIPT_ORIGIN, this.kind, this.ticket));
  }
  /** The state once the data is loaded and nothing blocks it. */
  protected readyState(_data: Data): PseaState {
    return 'ready';
  }
  /** Hand the ceremony's response over: post it, and resolve with the answer; undefined leaves the state as it is. */
  protected complete(data: Data, response: unknown): Promise<unknown> {
    this.to('verifying');
    return call(
      route(this.endpoint || SCRIPT_ORIGIN, this.kind, this.ticket, this.tail(data)),
      response,
    );
  }

  /** Bumped on every (re)load, so answers for an older ticket are dropped. */
  private _gen = 0;
  /**
   * The ticket (endpoint and ticket) a click came for while its options were
   * not loaded yet: the ceremony starts when they arrive. It never outlives
   * that load: another ticket or a failed load drops it, so no ceremony
   * starts for a ticket nobody clicked.
   */
  private _queued: string | undefined;
  /** The ticket whose options `_data` holds. */
  private _loaded: string | undefined;
  private _refocus = false;

  constructor() {
    super();
    this.endpoint = SCRIPT_ORIGIN;
    this.ticket = '';
    this.messages = {};
    this.state = 'loading';
  }

  /** The text for `key`: the host's override, else the English default. */
  msg(key: string): string {
    return (
      this.messages?.[key] ?? (MESSAGES as Messages)[key] ?? this.messages?.error ?? MESSAGES.error
    );
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.reloads(changed)) {
      if (this._queued !== this.sourceKey()) this._queued = undefined;
      void this._load();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A passkey prompt must not outlive the element that shows what it signs: removed
    // mid-prompt, the ceremony is cancelled (a move re-connects at once, and keeps it).
    // Only this element's can be running: the page runs one at a time, and a newer one
    // would already have ended it.
    queueMicrotask(() => {
      if (!this.isConnected && this.state === 'waiting') WebAuthnAbortService.cancelCeremony();
    });
  }

  protected override updated(): void {
    // When the focused button goes away (done, or a final error), keep focus in the element.
    if (this._refocus && !this.renderRoot.querySelector('[part=action]')) {
      (this.renderRoot.querySelector('[part=status]') as HTMLElement | null)?.focus();
    }
    this._refocus = false;
  }

  protected emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  protected to(state: PseaState): void {
    this._refocus ||=
      (this.renderRoot as ShadowRoot).activeElement?.getAttribute('part') === 'action';
    this.state = state;
  }

  private async _load(): Promise<void> {
    const gen = ++this._gen;
    const key = this.sourceKey();
    this._data = this._fail = this._loaded = undefined;
    this.to('loading');
    if (!this.hasSource()) return;
    if (!browserSupportsWebAuthn()) return this.failed(new Failure('unsupported', false));
    try {
      const data = await this.fetchData();
      if (gen !== this._gen) return;
      this._data = data;
      this._loaded = key;
      const blocked = this.blocked(data);
      if (blocked) return this.failed(blocked);
      this.to(this.readyState(data));
      if (this._queued === key) void this.start();
    } catch (e) {
      if (gen === this._gen) this.failed(ceremonyFailure(e));
    }
  }

  /**
   * Start the passkey ceremony, as the primary button does. Until this
   * ticket's options are loaded (even when the host has just set the ticket)
   * the request is kept for them; in a final state it does nothing.
   */
  async start(): Promise<void> {
    const key = this.sourceKey();
    this._queued = undefined;
    if (this._loaded !== key) {
      // Not loaded yet, or a new ticket whose load has not begun: never the old ticket's options.
      const settled = !this.isUpdatePending;
      if (settled && this._fail && !this._fail.retry) return;
      this._queued = key;
      if (settled && this.state === 'error') void this._load();
      return;
    }
    const { state, _data: data, _fail: fail } = this;
    if (
      !data ||
      state === 'waiting' ||
      state === 'verifying' ||
      state === 'done' ||
      state === 'stored' ||
      (fail && !fail.retry)
    )
      return;
    const gen = this._gen;
    this._fail = undefined;
    this.to('waiting');
    try {
      const response = await this.ceremony(data);
      if (gen !== this._gen) return;
      const result = await this.complete(data, response);
      if (gen !== this._gen || result === undefined) return;
      const next = this.next(data, result);
      if (next) {
        // Another step on this ticket: the person checks it, then acts again (a click, not an automatic prompt).
        this._data = next;
        const blocked = this.blocked(next);
        if (blocked) return this.failed(blocked);
        this.to('ready');
        return;
      }
      this.to('done');
      this.succeed(result);
    } catch (e) {
      if (gen === this._gen) this.failed(ceremonyFailure(e));
    }
  }

  protected failed(fail: Failure): void {
    this._queued = undefined;
    this._fail = fail;
    if (fail.cancel) {
      this.to('cancelled');
      this.emit('psea-cancel', {});
    } else {
      this.to('error');
      this.emit<PseaErrorDetail>('psea-error', { code: fail.code, message: this.msg(fail.code) });
    }
  }

  private _status(): string {
    const { state, _fail: fail } = this;
    return this.msg(fail ? fail.code : this.statusKey(state, this._data));
  }

  protected override render(): TemplateResult {
    const { state, _fail: fail } = this;
    const busy = state === 'loading' || state === 'waiting' || state === 'verifying';
    const icon =
      state === 'done' || state === 'error' || state === 'stored' ? icons[state] : nothing;
    return html`<div part="base" class="base" role="group" aria-labelledby="title">
      ${this.renderBody(this._data)}
      <p part="status" class="status" id="status" role="status" aria-live="polite" tabindex="-1">${icon}<span>${this._status()}</span></p>
      ${
        state === 'done' || state === 'stored' || (fail && !fail.retry)
          ? nothing
          : html`<button part="action" class="action" type="button" aria-disabled=${busy} aria-describedby="status" @click=${this.start}>
            ${busy ? spinner : nothing}<span>${this.msg(fail ? 'retry' : this.label(this._data))}</span>
          </button>`
      }
    </div>`;
  }
}
