/** `/` when the demo is off: what the service is and where its public parts are. No secrets, no state. */
import { logo, page } from './html';
import { visibleHtml } from './visible-html';

export function landingPage(o: { rpName: string; nonce: string }): string {
  return page({
    title: `PSEA · ${o.rpName}`,
    nonce: o.nonce,
    scripts: [],
    body: `<header class="topbar"><div class="wrap">${logo}<span class="name">PSEA</span><span class="pill">${visibleHtml(o.rpName)}</span></div></header>
<main class="wrap">
<section class="hero">
<h1>Passkey-signed approval of one exact action</h1>
<p>At the moment a sensitive action fires, a person signs that exact action with a passkey (user verification required) and this service returns a signed execution receipt that any backend can verify.</p>
</section>
<div class="concepts">
<section class="card"><h2>1. Ticket</h2><p>Your backend calls <code>POST /v1/actions</code> with the action and what to show. It gets a single-use ticket and an <code>approveUrl</code>.</p></section>
<section class="card"><h2>2. Approval</h2><p>The person sees every field in <code>&lt;psea-approve&gt;</code> (or on the hosted page) and signs with a passkey. The signature covers the action's hash, the user, the audience and a nonce.</p></section>
<section class="card"><h2>3. Receipt</h2><p>The service returns a JWT receipt. Your backend checks it with <code>verifyReceipt</code> against the published keys, and may redeem it once.</p></section>
</div>
<h2>Public routes</h2>
<ul class="links">
<li><a href="/.well-known/jwks.json">/.well-known/jwks.json</a>: the receipt signing keys</li>
<li><a href="/widget.js">/widget.js</a>: the <code>&lt;psea-enroll&gt;</code> and <code>&lt;psea-approve&gt;</code> elements</li>
<li><a href="/healthz">/healthz</a></li>
</ul>
<p class="muted">See the README for the API, the widget and the receipt. Set <code>DEMO=true</code> (<code>npm start</code> does) to try the demo bank on this page.</p>
</main>`,
  });
}
