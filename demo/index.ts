/**
 * The development entry (`npm start`, the e2e tests): the service's app with
 * the demo bank mounted, at `/` and under `/demo`, and the same Durable
 * Object classes. Production runs worker/index.ts, which never imports this.
 * The demo still answers only when DEMO is "true" and on loopback hosts.
 */
import { createApp } from '../worker/app';
import { demoHome } from './home';
import { demo } from './routes';

export { UserVault } from '../worker/vault/user-vault';
export { CredentialOwner } from '../worker/vault/credential-owners';
export { IdempotencyRecord } from '../worker/idempotency/idempotency-record';

export default createApp((app) => {
  app.get('/', demoHome);
  app.route('/demo', demo(app));
});
