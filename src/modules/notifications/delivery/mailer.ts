import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { AppConfig } from '../../../core/config/app-config';
import { EmailMessage, hasLineBreak } from './email-message.util';

export interface OutgoingEmail extends EmailMessage {
  to: { address: string; name: string };
  /** The Message-ID: receivers' own deduplication sees one message per delivery. */
  messageId: string;
}

/** Sends email over SMTP_URL with nodemailer; one transport per process, made on first use. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private transport?: Transporter;

  constructor(private readonly config: AppConfig) {}

  async send(email: OutgoingEmail): Promise<void> {
    if (!this.config.SMTP_URL) throw new Error('Email is not configured: set SMTP_URL');
    for (const value of [email.to.address, email.to.name, email.subject]) {
      if (hasLineBreak(value)) throw new Error('A header value contains a line break');
    }
    // Loaded on the first email: a process that sends none never loads nodemailer.
    const { createTransport } = await import('nodemailer');
    this.transport ??= createTransport({
      url: this.config.SMTP_URL,
      connectionTimeout: this.config.WEBHOOK_TIMEOUT_MS,
      greetingTimeout: this.config.WEBHOOK_TIMEOUT_MS,
      socketTimeout: this.config.WEBHOOK_TIMEOUT_MS * 2,
    });
    await this.transport.sendMail({
      from: this.config.SMTP_FROM,
      to: { address: email.to.address, name: email.to.name },
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
