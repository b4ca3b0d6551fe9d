import { NotificationEventType, NotificationPayload } from '../notification-event-type';
import { emailMessage } from './email-message.util';

const payload = (summary: string): NotificationPayload => ({
  type: NotificationEventType.CONFIG_CHANGED,
  timestamp: '2026-01-01T00:00:00.000Z',
  data: {
    summary,
    environment: 'production',
    key: 'checkout.<b>',
    version: 3,
    link: '/console/configs/production/checkout',
    state: { value: 'nested objects are left to the webhook' },
  },
});

describe('emailMessage', () => {
  it('writes a plain-text and an HTML part with the details and the console link', () => {
    const message = emailMessage(payload('checkout: update'), 'https://bc.example.com/');
    expect(message.subject).toBe('[Business Config] checkout: update');
    expect(message.text).toContain('key: checkout.<b>');
    expect(message.text).toContain('version: 3');
    expect(message.text).toContain(
      'Open in the console: https://bc.example.com/console/configs/production/checkout',
    );
    expect(message.html).toContain('checkout.&lt;b&gt;');
    expect(message.html).toContain(
      'href="https://bc.example.com/console/configs/production/checkout"',
    );
    expect(message.text).not.toContain('nested objects');
  });

  it('leaves the link out without PUBLIC_URL', () => {
    expect(emailMessage(payload('x'), undefined).text).not.toContain('console');
  });

  it('refuses a subject with a line break (header injection)', () => {
    expect(() => emailMessage(payload('x\r\nBcc: victim@example.com'))).toThrow(/line break/);
  });
});
