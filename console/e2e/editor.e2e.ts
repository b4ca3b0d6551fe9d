import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, createKey, gql, launchBrowser, newPage, signIn } from './support';

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const KEY = `limits.max-items-${Date.now()}`;
const editorPath = `/console/envs/production/configs/${KEY}`;

/** What the builder steps below make, exactly as the API stores it. */
const RULES = [
  {
    id: 'pro-in-europe',
    condition: {
      all: [
        { attribute: 'user.plan', operator: 'equals', value: 'pro' },
        {
          any: [
            { attribute: 'user.country', operator: 'in', values: ['FR', 'DE'] },
            { attribute: 'user.beta', operator: 'equals', value: true },
          ],
        },
      ],
    },
    value: 8,
  },
  {
    id: 'staff',
    condition: {
      all: [
        {
          attribute: 'user.email',
          operator: 'ends_with',
          value: '@example.com',
          ignoreCase: true,
        },
      ],
    },
    value: 9,
    rolloutPercentage: 50,
  },
];

async function setJson(page: Page, label: string, value: unknown) {
  await page.getByLabel(label).fill(JSON.stringify(value));
}

/** Picks `option` in the Mantine select labelled `label` inside `scope`. */
async function choose(page: Page, scope: Locator, label: string, option: string) {
  await scope.getByRole('textbox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/**
 * Drags rule `from` (1-based) with the mouse by its handle onto rule `to`: down, then moves in
 * steps (dnd-kit's pointer sensor follows pointermove events), then up once the builder
 * announces the rule over its new position.
 */
async function dragRule(page: Page, from: number, to: number) {
  const card = (n: number) => page.getByRole('group', { name: `Rule ${n}`, exact: true });
  await card(Math.min(from, to)).evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const source = (await card(from).boundingBox())!;
  const target = (await card(to).boundingBox())!;
  const handle = (await card(from)
    .getByRole('button', { name: new RegExp(`^Drag Rule ${from} to reorder`) })
    .boundingBox())!;
  const x = handle.x + handle.width / 2;
  const y = handle.y + handle.height / 2;
  // The dragged card ends 10 px past the target's far edge: its centre is then nearest the target's.
  const dy =
    to < from
      ? target.y - source.y - 10
      : target.y + target.height - (source.y + source.height) + 10;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + Math.sign(dy) * 5, { steps: 2 });
  await page.mouse.move(x, y + dy, { steps: 15 });
  await page
    .getByRole('status')
    .filter({ hasText: `Rule ${from} is over position ${to}.` })
    .waitFor({ state: 'attached' });
  await page.mouse.up();
}

async function ruleIds(page: Page) {
  return page
    .getByRole('textbox', { name: /^Rule id/ })
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
}

describe('the config editor', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await newPage(browser);
    await signIn(page, baseUrl, adminToken, '/console/envs/production/configs/new');
  });
  afterAll(() => browser?.close());

  it('creates an integer config with min and max, showing the out-of-range value inline first', async () => {
    await page.getByRole('textbox', { name: /^Key/ }).fill(KEY);
    await page.getByRole('textbox', { name: 'Value type' }).click();
    await page.getByRole('option', { name: 'integer' }).click();
    await page.getByLabel('Maximum value').fill('10');
    await page.getByLabel('Minimum value').fill('1');
    await page.getByLabel('Default value').fill('2');
    await page.getByLabel('Value (inside the rollout)').fill('50');
    const value = page.getByLabel('Value (inside the rollout)');
    await expect.poll(() => value.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
    await checkPage(page, 'config-new');
    await value.fill('5');
    await expect
      .poll(() => value.getAttribute('aria-invalid'), { timeout: 15_000 })
      .not.toBe('true');
  });

  it('builds a nested rule in the builder, shows its errors inline, reorders by keyboard and mouse and saves', async () => {
    await page.getByRole('button', { name: 'Add rule' }).click();
    const first = page.getByRole('group', { name: 'Rule 1', exact: true });
    const plan = first.getByRole('group', { name: 'Condition 1', exact: true });
    // The empty attribute is refused by the server's validation, next to that input.
    const attribute = plan.getByLabel('Attribute');
    await expect
      .poll(() => attribute.getAttribute('aria-invalid'), { timeout: 15_000 })
      .toBe('true');
    await first.getByLabel('Rule id').fill('pro-in-europe');
    await attribute.fill('user.plan');
    await plan.getByLabel('Value', { exact: true }).fill('pro');
    await first.getByRole('button', { name: 'Add group to Conditions of Rule 1' }).click();
    const group = first.getByRole('group', { name: 'Group 2', exact: true });
    await expect(group.getByRole('radio', { name: 'Any of (OR)' }).isChecked()).resolves.toBe(true);
    const country = group.getByRole('group', { name: 'Condition 2.1', exact: true });
    await country.getByLabel('Attribute').fill('user.country');
    await choose(page, country, 'Operator', 'is one of');
    const values = country.getByLabel('Values');
    await values.fill('FR');
    await values.press('Enter');
    await values.fill('DE');
    await values.press('Enter');
    await group.getByRole('button', { name: 'Add condition to Group 2' }).click();
    const beta = group.getByRole('group', { name: 'Condition 2.2', exact: true });
    await beta.getByLabel('Attribute').fill('user.beta');
    await choose(page, beta, 'Type', 'boolean');
    await first.getByLabel('Value served by rule 1').fill('8');

    await page.getByRole('button', { name: 'Add rule' }).click();
    const second = page.getByRole('group', { name: 'Rule 2', exact: true });
    await second.getByLabel('Rule id').fill('staff');
    const email = second.getByRole('group', { name: 'Condition 1', exact: true });
    await email.getByLabel('Attribute').fill('user.email');
    await choose(page, email, 'Operator', 'ends with');
    await email.getByLabel('Value', { exact: true }).fill('@example.com');
    await email.getByLabel('Ignore case').check();
    await second.getByLabel('Value served by rule 2').fill('9');
    await second.getByLabel('Rollout of rule 2 (%)').fill('50');
    await checkPage(page, 'config-rules');

    // Keyboard only: the move button, then the drag handle (space, arrow, space).
    await page.getByRole('button', { name: 'Move rule 2 up' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => ruleIds(page)).toEqual(['staff', 'pro-in-europe']);
    await page.getByRole('button', { name: /^Drag Rule 1 to reorder/ }).focus();
    const announced = (text: string) =>
      page.getByRole('status').filter({ hasText: text }).waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    await announced('Rule 1 is over position 1.');
    await page.keyboard.press('ArrowDown');
    await announced('Rule 1 is over position 2.');
    await page.keyboard.press('Space');
    await announced('Rule 1 dropped at position 2.');
    await expect.poll(() => ruleIds(page)).toEqual(['pro-in-europe', 'staff']);
    // The mouse, up then down, on a viewport tall enough to show both rules.
    await page.setViewportSize({ width: 1280, height: 2000 });
    try {
      await dragRule(page, 2, 1);
      await expect.poll(() => ruleIds(page)).toEqual(['staff', 'pro-in-europe']);
      await dragRule(page, 1, 2);
      await expect.poll(() => ruleIds(page)).toEqual(['pro-in-europe', 'staff']);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }

    await page.getByRole('button', { name: 'Create config' }).click();
    await page.waitForURL(`**${editorPath}`);
    await page.getByText('version 1').waitFor();
    const stored = await gql<{ config: { targetingRules: unknown } }>(
      baseUrl,
      adminToken,
      `{ config(environment: "production", key: "${KEY}") { targetingRules } }`,
    );
    expect(stored.config.targetingRules).toEqual(RULES);
  });

  it('keeps the JSON view while its text is not valid JSON, then returns to the builder', async () => {
    await page.getByLabel('Edit as JSON').check();
    const json = page.getByLabel('Rules in order');
    await expect(json.inputValue()).resolves.toContain('"pro-in-europe"');
    await json.fill('[{"id": ');
    // Refused: the switch stays on.
    await page.getByLabel('Edit as JSON').click();
    await page.getByText('Staying in the JSON view').waitFor();
    await expect(json.isVisible()).resolves.toBe(true);
    await json.fill(JSON.stringify(RULES));
    await page.getByLabel('Edit as JSON').uncheck();
    await page.getByRole('group', { name: 'Rule 2', exact: true }).waitFor();
    await expect.poll(() => ruleIds(page)).toEqual(['pro-in-europe', 'staff']);
  });

  it('tests the draft against a context and explains which rule matched and why', async () => {
    await setJson(page, 'Context', { user: { id: 'u-1', plan: 'pro', country: 'FR' } });
    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.getByRole('region', { name: 'Test result' });
    await result.waitFor();
    await expect(result.textContent()).resolves.toMatch(/TARGETING_MATCH.*pro-in-europe/);
    const explanation = page.getByRole('list', { name: 'Explanation' });
    await expect(explanation.textContent()).resolves.toMatch(/user\.country in — actual "FR"/);
    await checkPage(page, 'config-editor');
  });

  it('keeps an unsaved edit across a reload', async () => {
    await page.getByLabel('Description').fill('Most items in a cart');
    await page.getByText('unsaved changes').waitFor();
    await page.reload();
    await page.getByText('Unsaved changes restored').waitFor();
    await expect(page.getByLabel('Description').inputValue()).resolves.toBe('Most items in a cart');
  });

  it('shows the conflict with a change saved elsewhere and reapplies the edit on top', async () => {
    // Another tab (here: the API) saves version 2 while this edit is open on version 1.
    await gql(
      baseUrl,
      adminToken,
      `mutation($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`,
      {
        input: { environment: 'production', key: KEY, expectedVersion: 1, rolloutPercentage: 40 },
      },
    );
    await page.getByRole('button', { name: 'Save' }).click();
    const conflict = page
      .getByRole('alert')
      .filter({ hasText: 'Someone else saved this config meanwhile' });
    await conflict.waitFor();
    await expect(conflict.textContent()).resolves.toMatch(/rolloutPercentage/);
    await checkPage(page, 'config-conflict');
    await page.getByRole('button', { name: 'Reapply my edit on their version' }).click();
    await page.getByText('version 2').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved as version 3').waitFor();
    const stored = await gql<{ config: { description: string; rolloutPercentage: number } }>(
      baseUrl,
      adminToken,
      `{ config(environment: "production", key: "${KEY}") { description rolloutPercentage } }`,
    );
    expect(stored.config).toEqual({ description: 'Most items in a cart', rolloutPercentage: 40 });
  });

  it('asks before leaving with unsaved changes', async () => {
    await page.getByLabel('Description').fill('Changed again');
    await page.getByRole('link', { name: 'Configs' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Leave with unsaved changes?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Stay' }).click();
    expect(page.url()).toContain(editorPath);
  });

  it('shows a viewer the rules in the builder without edit controls', async () => {
    const viewerToken = await createKey(baseUrl, adminToken, 'editor e2e viewer', ['VIEWER']);
    const viewer = await newPage(browser);
    await signIn(viewer, baseUrl, viewerToken, editorPath);
    const rule = viewer.getByRole('group', { name: 'Rule 1', exact: true });
    await expect(rule.getByLabel('Rule id').inputValue()).resolves.toBe('pro-in-europe');
    await expect(viewer.getByRole('button', { name: 'Add rule' }).count()).resolves.toBe(0);
    await expect(
      viewer
        .getByRole('button', { name: /^(Move|Duplicate|Remove) rule|^Drag Rule|^Add / })
        .count(),
    ).resolves.toBe(0);
    await viewer.close();
  });
});
