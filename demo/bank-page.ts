/**
 * `/` when DEMO is "true": a small bank that enrolls the demo user, sends a
 * transfer, approves it and shows the verified receipt, all through the real
 * routes (demo/app.ts drives it; demo/routes.ts is its backend).
 */
import { WIDGET_SRC, asset, logo, page } from '../worker/pages/html';
import { visibleHtml } from '../worker/pages/visible-html';

export function bankPage(o: { rpName: string; nonce: string; amount: string; to: string }): string {
  const amount = visibleHtml(o.amount);
  const to = visibleHtml(o.to);
  return page({
    title: 'Northwind Bank · PSEA demo',
    nonce: o.nonce,
    bodyClass: 'bank',
    scripts: [asset('/demo/app.js'), WIDGET_SRC],
    body: `<header class="topbar"><div class="wrap">${logo}<span class="name">Northwind Bank</span><span class="pill">PSEA demo</span><span class="who">Signed in as demo-user</span></div></header>
<main class="wrap">
<section class="hero">
<h1>Approve exactly what you execute</h1>
<p>Everything on this page goes through the real PSEA routes of this service. Enroll a passkey, send a transfer, approve exactly that transfer, and see the execution receipt the bank's backend verified before moving the money.</p>
</section>
<ol class="steps">
<li class="card step" id="step-enroll">
<div class="step-head"><span class="num" aria-hidden="true">1</span><h2>Enroll this device</h2></div>
<p>Create a passkey for <strong>demo-user</strong>. Your device asks for your fingerprint, face or PIN.</p>
<button class="btn" id="enroll-btn" type="button">Enroll this device</button>
<p class="msg" id="enroll-msg" role="status"></p>
<div id="enroll-slot"></div>
</li>
<li class="card step" id="step-transfer">
<div class="step-head"><span class="num" aria-hidden="true">2</span><h2>Send a transfer</h2></div>
<dl class="transfer">
<div><dt>From</dt><dd>Everyday account ··4821</dd></div>
<div><dt>To</dt><dd>${to}</dd></div>
<div><dt>Amount</dt><dd class="amount">${amount}</dd></div>
</dl>
<p class="offline-switch"><button class="btn secondary" id="offline-btn" type="button" aria-pressed="false">Offline mode: off</button> <span class="note" id="net" role="status"></span></p>
<p class="note" id="offline-help" hidden>This device now holds offline grants for the transfer. Cut the network (Wi-Fi off, or DevTools → Network → Offline) and approve it below: the approval is stored on this device, and sent to the service when you are back online. Keep this page open meanwhile.</p>
<button class="btn" id="transfer-btn" type="button">Send ${amount} to DE89…</button>
<button class="btn secondary" id="suppliers-btn" type="button">Pay 25 suppliers</button>
<p class="msg" id="transfer-msg" role="status"></p>
<div id="approve-slot"></div>
<p class="note" id="second-device" hidden>On another device? <a id="approve-link" href="#" target="_blank" rel="noopener noreferrer">Open the hosted approval page</a>. This page notices when it is approved there.</p>
</li>
<li class="card step" id="step-receipt">
<div class="step-head"><span class="num" aria-hidden="true">3</span><h2>Verify the receipt</h2></div>
<p id="receipt-empty">Before it moves the money, the bank's backend checks the receipt with <code>verifyReceipt</code>: signature against the service's keys, issuer, audience <code>psea-demo</code>, that it is <code>demo-user</code>'s, and the hashes of this exact transfer and of what was shown. Then it redeems it, once.</p>
<div id="receipt" hidden>
<p class="badge" id="receipt-badge" role="status" tabindex="-1"></p>
<dl class="claims" id="claims"></dl>
<details><summary>Statement the passkey signed</summary><pre id="statement"></pre><p class="note">Challenge, base64url(SHA-256(JCS(statement))): <code id="challenge"></code></p></details>
<details><summary>Receipt (JWT)</summary><pre id="jwt"></pre></details>
<p class="note"><button class="btn secondary" id="again-btn" type="button">Send another transfer</button></p>
</div>
</li>
</ol>
</main>`,
  });
}
