import {
  createPerson,
  requestChange,
  reviewChange,
  setPolicy,
} from '../factories/approval.factory';
import { createConfig, uniqueKey } from '../factories/config.factory';
import { SmtpSink } from '../support/smtp-sink';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { verifyWebhook, WebhookReceiver } from '../support/webhook-receiver';

const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret webhookEndpoint { id } } }`;

type Payload = { type: string; data: Record<string, unknown> };

describe('approval notifications (receivers on this machine)', () => {
  jest.setTimeout(90_000);
  let app: TestApp;
  let smtp: SmtpSink;
  let receiver: WebhookReceiver;
  let secret: string;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    receiver = await new WebhookReceiver().start();
    app = await startTestApp({
      env: {
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        NOTIFICATION_RETRY_BASE_MS: '50',
        SMTP_URL: smtp.url,
        PUBLIC_URL: 'https://bc.example.com',
      },
    });
    const endpoint = await app.gql<{ createWebhookEndpoint: { secret: string } }>(CREATE_ENDPOINT, {
      input: {
        environment: 'development',
        url: receiver.url,
        eventTypes: ['APPROVAL_REQUESTED', 'APPROVAL_DECIDED'],
      },
    });
    secret = endpoint.data!.createWebhookEndpoint.secret;
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
    await smtp?.stop();
  });

  /** The webhook payloads received about a request, verified, in order of arrival. */
  function webhooksOf(approvalId: string): Payload[] {
    return receiver.received
      .map((request) => verifyWebhook(secret, request) as Payload)
      .filter((payload) => payload.data.approvalId === approvalId);
  }

  function mailsTo(address: string): string[] {
    return smtp.received
      .filter((mail) => mail.to.includes(address))
      .map((mail) => SmtpSink.header(mail, 'subject') ?? '');
  }

  it('tells the reviewers of each level when it needs them, and the requester of each decision', async () => {
    const requester = await createPerson(app, ['EDITOR'], {
      name: 'Rita',
      email: 'rita@example.com',
    });
    const ritaAsApprover = await createPerson(app, ['APPROVER'], { email: 'rita@example.com' });
    const alice = await createPerson(app, ['APPROVER'], {
      name: 'Alice',
      email: 'alice@example.com',
    });
    const bob = await createPerson(app, ['APPROVER'], { name: 'Bob', email: 'bob@example.com' });
    const policy = await setPolicy(app, {
      configKeyPattern: 'notified.*',
      levels: [
        { name: 'Team', approverKeyIds: [alice.id, ritaAsApprover.id], required: 1 },
        { name: 'Lead', approverKeyIds: [bob.id], required: 1 },
      ],
      allowAdminBypass: true,
    });
    expect(policy.errors).toBeUndefined();
    const config = await createConfig(app, {
      key: uniqueKey('notified'),
      bypassApproval: true,
      comment: 'set up',
    });
    const requested = await requestChange(
      app,
      { key: config.key, kind: 'UPDATE', config: { value: 'new' }, comment: 'please' },
      requester.token,
    );
    const { id } = requested.data!.requestConfigChange.approval;

    await eventually(async () => mailsTo('alice@example.com').length === 1, {
      what: "Alice's email",
    });
    expect(mailsTo('alice@example.com')[0]).toBe(
      `[Business Config] Rita asks you to approve: change ${config.key} (level 1, Team)`,
    );
    // The requester is never asked to review their own request, under any of their keys.
    expect(mailsTo('rita@example.com')).toEqual([]);
    expect(mailsTo('bob@example.com')).toEqual([]);
    await eventually(async () => webhooksOf(id).length === 1, { what: 'the webhook' });
    expect(webhooksOf(id)[0]).toMatchObject({
      type: 'approval.requested',
      data: {
        approvalId: id,
        configKey: config.key,
        kind: 'update',
        level: 1,
        levelName: 'Team',
        requester: 'Rita',
        comment: 'please',
        reviewers: [{ keyId: alice.id, name: 'Alice' }],
        link: `/console/envs/development/approvals/${id}`,
      },
    });

    await reviewChange(app, id, 'APPROVE', alice.token, 'fine');
    await eventually(
      async () =>
        mailsTo('rita@example.com').length === 1 && mailsTo('bob@example.com').length === 1,
      { what: "Rita's and Bob's emails" },
    );
    expect(mailsTo('rita@example.com')[0]).toBe(
      `[Business Config] Alice approved your change request: change ${config.key} (now pending)`,
    );
    expect(mailsTo('bob@example.com')[0]).toMatch(/asks you to approve: .* \(level 2, Lead\)$/);

    await reviewChange(app, id, 'APPROVE', bob.token);
    await eventually(async () => mailsTo('rita@example.com').length === 3, {
      what: 'the decision and the outcome',
    });
    expect(mailsTo('rita@example.com').slice(1).sort()).toEqual([
      `[Business Config] Bob approved your change request: change ${config.key} (now approved)`,
      `[Business Config] Your change request is applied: change ${config.key}`,
    ]);
    await eventually(async () => webhooksOf(id).length === 5, { what: 'every webhook' });
    expect(webhooksOf(id).map((p) => [p.type, p.data.status])).toEqual(
      expect.arrayContaining([
        ['approval.requested', 'pending'],
        ['approval.decided', 'pending'],
        ['approval.requested', 'pending'],
        ['approval.decided', 'approved'],
        ['approval.decided', 'applied'],
      ]),
    );
  });

  it('tells the requester when a change meanwhile made their request stale', async () => {
    const requester = await createPerson(app, ['EDITOR'], {
      name: 'Sam',
      email: 'sam@example.com',
    });
    const approver = await createPerson(app, ['APPROVER']);
    await setPolicy(app, {
      configKeyPattern: 'staled.*',
      levels: [{ approverKeyIds: [approver.id], required: 1 }],
      allowAdminBypass: true,
    });
    const config = await createConfig(app, {
      key: uniqueKey('staled'),
      bypassApproval: true,
      comment: 'set up',
    });
    const requested = await requestChange(
      app,
      { key: config.key, kind: 'UPDATE', config: { value: 'mine' } },
      requester.token,
    );
    expect(requested.errors).toBeUndefined();
    await app.gql(
      `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`,
      {
        input: {
          environment: 'development',
          key: config.key,
          expectedVersion: 1,
          value: 'theirs',
          bypassApproval: true,
          comment: 'hotfix',
        },
      },
    );
    await eventually(async () => mailsTo('sam@example.com').length === 1, {
      what: "Sam's email",
    });
    const [mail] = smtp.received.filter((m) => m.to.includes('sam@example.com'));
    expect(SmtpSink.text(mail)).toContain(
      `Your change request is stale: change ${config.key} (Config "${config.key}" changed since the request: version 1 then, 2 now)`,
    );
  });
});
