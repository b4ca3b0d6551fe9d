import { Webhook } from 'standardwebhooks';
import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 24 random bytes in base64, as Standard Webhooks has it. */
export function generateWebhookSecret(): string {
  return `${PREFIX}${randomBytes(24).toString('base64')}`;
}

/**
 * The `webhook-signature` header: one `v1,<signature>` per secret, space-separated, so a
 * receiver verifying with either the new or the previous secret accepts it during rotation.
 */
export function signatureHeader(
  secrets: string[],
  webhookId: string,
  timestamp: Date,
  body: string,
): string {
  return secrets
    .map((secret) => new Webhook(secret.slice(PREFIX.length)).sign(webhookId, timestamp, body))
    .join(' ');
}
