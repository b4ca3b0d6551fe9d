import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const PREFIX = `approved-${Date.now()}`;
const KEY = `${PREFIX}.banner`;

/** A key with an owner, as an admin sets it up. */
async function person(name: string, roles: string[]): Promise<{ id: string; token: string }> {
  const created = await gql<{ createApiKey: { token: string; apiKey: { id: string } } }>(
    baseUrl,
    adminToken,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }',
    { input: { name: `${name}'s key`, roles } },
  );
  const { id } = created.createApiKey.apiKey;
  await gql(
    baseUrl,
    adminToken,
    'mutation ($input: SetApiKeyOwnerInput!) { setApiKeyOwner(input: $input) { apiKey { id } } }',
    { input: { id, owner: { name, email: `${name.toLowerCase()}-${PREFIX}@example.com` } } },
  );
  return { id, token: created.createApiKey.token };
}

async function configNow(): Promise<{ value: unknown; version: number }> {
  const data = await gql<{ config: { value: unknown; version: number } }>(
    baseUrl,
    adminToken,
    `{ config(environment: "production", key: "${KEY}") { value version } }`,
  );
  return data.config;
}

describe('approvals', () => {
  let browser: Browser;
  let rita: { id: string; token: string };
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  beforeAll(async () => {
    browser = await launchBrowser();
    rita = await person('Rita', ['EDITOR']);
    alice = await person('Alice', ['APPROVER']);
    bob = await person('Bob', ['APPROVER']);
    await gql(
      baseUrl,
      adminToken,
      `mutation ($input: SetApprovalPolicyInput!) { setApprovalPolicy(input: $input) { approvalPolicy { id } } }`,
      {
        input: {
          environment: 'production',
          name: `${PREFIX} team`,
          configKeyPattern: `${PREFIX}.*`,
          levels: [{ name: 'Team', approverKeyIds: [alice.id, bob.id], required: 2 }],
          allowAdminBypass: true,
        },
      },
    );
    await gql(
      baseUrl,
      adminToken,
      `mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }`,
      {
        input: {
          environment: 'production',
          key: KEY,
          valueType: 'STRING',
          value: 'old',
          defaultValue: 'off',
          bypassApproval: true,
          comment: 'set up for the approvals flow',
        },
      },
    );
  });
  afterAll(() => browser?.close());

  /** The approvals inbox of `page`, in one of its views, once the list shows `key`'s row. */
  async function openFromInbox(page: Page, view: string): Promise<void> {
    await page.goto(`${baseUrl}/console/envs/production/approvals`);
    await page.getByText(view, { exact: true }).click();
    await expect.poll(() => page.getByRole('radio', { name: view }).isChecked()).toBe(true);
    await page.getByRole('link', { name: KEY }).click();
    await page.getByRole('heading', { name: `Change ${KEY}` }).waitFor();
  }

  it('asks for a change from the editor, and two reviewers in their own browsers approve it', async () => {
    const requester = await newPage(browser);
    await signIn(requester, baseUrl, rita.token, `/console/envs/production/configs/${KEY}`);
    await requester.getByText(`policy “${PREFIX} team”`).waitFor();
    await requester.getByLabel('Value (inside the rollout)').fill('new');
    await requester.getByLabel('Comment for the reviewers').fill('the spring banner');
    await checkPage(requester, 'approvals-request-change');
    await requester.getByRole('button', { name: 'Request change' }).click();
    await requester.getByRole('status').filter({ hasText: 'Change requested' }).waitFor();
    // Nothing changed yet.
    expect(await configNow()).toEqual({ value: 'old', version: 1 });
    await requester.getByRole('link', { name: 'See the request' }).click();
    await requester.getByRole('heading', { name: `Change ${KEY}` }).waitFor();
    await requester.getByText('0 of 2 approvals').waitFor();
    // The requester sees the diff but cannot review their own request.
    const diff = requester.getByRole('table', { name: /the change requested/ });
    await expect(diff.getByRole('row', { name: /\/value/ }).textContent()).resolves.toMatch(
      /"old".*"new"/,
    );
    await expect(requester.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);

    // Alice, in a browser context of her own.
    const first = await newPage(browser);
    await signIn(first, baseUrl, alice.token, '/console/envs/production/approvals');
    await checkPage(first, 'approvals-inbox');
    await openFromInbox(first, 'Waiting on me');
    await first.getByLabel('Comment').fill('looks right');
    await checkPage(first, 'approvals-request');
    await first.getByRole('button', { name: 'Approve' }).click();
    await first.getByText('1 of 2 approvals').waitFor();
    await first.getByText('Alice approved').waitFor();
    // The requester's page follows without a reload.
    await requester.getByText('1 of 2 approvals').waitFor();

    // Bob, in another one: the request waits on him too, and his approval applies it.
    const second = await newPage(browser);
    await signIn(second, baseUrl, bob.token, '/console/envs/production/approvals');
    await openFromInbox(second, 'Waiting on me');
    await second.getByText('Alice approved').waitFor();
    await second.getByRole('button', { name: 'Approve' }).click();
    await second.getByText('applied', { exact: true }).waitFor();
    expect(await configNow()).toEqual({ value: 'new', version: 2 });
    await requester.getByText('applied', { exact: true }).waitFor();

    // Nothing waits on Alice any more; Rita finds it among her requests.
    await first.goto(`${baseUrl}/console/envs/production/approvals`);
    await first.getByText('No change request waits on you.').waitFor();
    await openFromInbox(requester, 'My requests');

    const history = await gql<{
      configChanges: { edges: { node: { comment: string; actor: { name: string } } }[] };
    }>(
      baseUrl,
      adminToken,
      `{ configChanges(environment: "production", filter: { configKey: "${KEY}" }, first: 1) {
        edges { node { comment actor { name } } } } }`,
    );
    expect(history.configChanges.edges[0].node).toEqual({
      comment: expect.stringMatching(/by Rita, approved by Alice, Bob: the spring banner$/),
      actor: { name: 'approvals' },
    });
  });

  it('rejects with a comment, which closes the request', async () => {
    const requested = await gql<{ requestConfigChange: { approval: { id: string } } }>(
      baseUrl,
      rita.token,
      `mutation ($input: RequestConfigChangeInput!) { requestConfigChange(input: $input) { approval { id } } }`,
      { input: { environment: 'production', key: KEY, kind: 'ARCHIVE', comment: 'retire it' } },
    );
    const page = await newPage(browser);
    await signIn(
      page,
      baseUrl,
      bob.token,
      `/console/envs/production/approvals/${requested.requestConfigChange.approval.id}`,
    );
    await page.getByLabel('Comment').fill('still in use');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Rejected by Bob: still in use').waitFor();
    await page.getByText('rejected', { exact: true }).first().waitFor();
  });

  it('shows and edits the policies of an environment', async () => {
    const page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, '/console/envs/production/approval-policies');
    await page.getByRole('heading', { name: `${PREFIX} team` }).waitFor();
    await page.getByText('Alice (Alice', { exact: false }).first().waitFor();
    await checkPage(page, 'approval-policies');
    await page.getByRole('button', { name: `Edit ${PREFIX} team` }).click();
    await page.getByLabel('Level 1 approvals required').fill('3');
    await page.getByRole('button', { name: 'Save policy' }).click();
    // Two approvers cannot give three approvals: the server says so at the field.
    await page
      .getByText(/needs 3 approvals, but only 2 different people may give them/)
      .first()
      .waitFor();
    await expect(
      page.getByLabel('Level 1 approvals required').getAttribute('aria-invalid'),
    ).resolves.toBe('true');
    // And summed up above the buttons, announced as an alert.
    await page.getByRole('alert').filter({ hasText: 'The policy was not saved' }).waitFor();
    await page.getByLabel('Level 1 approvals required').fill('1');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Team: 1 of').waitFor();
  });
});
