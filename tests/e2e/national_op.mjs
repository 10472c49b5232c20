// The stand-in national 职工之家 identity provider for the browser tests: panva's
// oidc-provider (OpenID Certified), installed from the npm registry into tests/e2e/.node.
// Its development sign-in form accepts any login; the login names an entry of OP_ACCOUNTS
// (JSON: {"login": {claims}}), whose claims the provider then releases.
import { pathToFileURL } from 'node:url';

const entry = process.env.OIDC_PROVIDER_ENTRY;
const { default: Provider } = await import(pathToFileURL(entry).href);

const issuer = process.env.OP_ISSUER;
const port = Number(new URL(issuer).port);
const accounts = JSON.parse(process.env.OP_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OP_CLIENT_ID,
      client_secret: process.env.OP_CLIENT_SECRET,
      redirect_uris: [process.env.OP_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: {
    openid: ['sub'],
    profile: ['name'],
    phone: ['phone_number', 'phone_number_verified'],
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...(accounts[id] || {}) };
      },
    };
  },
  pkce: { required: () => true },
  cookies: { keys: ['national-op-e2e-cookie-key'] },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => {
  console.log(`national op ready at ${issuer}`);
});
