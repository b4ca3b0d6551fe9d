import { NotificationPayload } from '../notification-event-type';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

const LINE_BREAK = /[\r\n]/;

/** True when a header value (address, name, subject) could start another header line. */
export function hasLineBreak(value: string): boolean {
  return LINE_BREAK.test(value);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Scalars of the payload's data worth a line in the mail; nested objects stay in the webhook. */
function detailLines(data: NotificationPayload['data']): [string, string][] {
  return Object.entries(data)
    .filter(([name]) => !['summary', 'link'].includes(name))
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([name, value]) => [name, String(value)]);
}

/**
 * The plain-text and HTML email of one notification. The subject is the event's summary
 * on one line: a line break in it is refused (it would start a header of its own).
 */
export function emailMessage(payload: NotificationPayload, publicUrl?: string): EmailMessage {
  const subject = `[Business Config] ${payload.data.summary}`;
  if (hasLineBreak(subject)) throw new Error('The subject may not contain a line break');
  const link =
    publicUrl && payload.data.link ? `${publicUrl.replace(/\/$/, '')}${payload.data.link}` : null;
  const details = detailLines(payload.data);
  const text = [
    payload.data.summary,
    '',
    `Event: ${payload.type}`,
    `Time: ${payload.timestamp}`,
    ...details.map(([name, value]) => `${name}: ${value}`),
    ...(link ? ['', `Open in the console: ${link}`] : []),
    '',
  ].join('\n');
  const rows = [['Event', payload.type], ['Time', payload.timestamp], ...details]
    .map(
      ([name, value]) =>
        `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  const html = [
    `<p>${escapeHtml(payload.data.summary)}</p>`,
    `<table>${rows}</table>`,
    link ? `<p><a href="${escapeHtml(link)}">Open in the console</a></p>` : '',
  ].join('\n');
  return { subject, text, html };
}
