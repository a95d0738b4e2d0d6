import { expect, test } from './support/fixtures.js';

// Three prompts with orders 20, 10 and 30, and a prompt stage whose fields name two of them in
// the wrong order plus a prompt that only the server has.
const PROMPTS = `version: 1
metadata:
  name: inspector lists
entries:
  - model: authentik_stages_prompt.prompt
    id: email-field
    identifiers: { name: lists-email }
    attrs: { field_key: email, label: Email, type: email, order: 20 }
  - model: authentik_stages_prompt.prompt
    id: name-field
    identifiers: { name: lists-name }
    attrs: { field_key: name, label: Name, type: text, order: 10 }
  - model: authentik_stages_prompt.prompt
    identifiers: { name: lists-phone }
    attrs: { field_key: phone, label: Phone, type: text, order: 30 }
  - model: authentik_stages_prompt.promptstage
    id: prompt-stage
    identifiers: { name: lists-prompt }
    attrs:
      fields:
        - !KeyOf email-field
        - !KeyOf name-field
        - !Find [authentik_stages_prompt.prompt, [name, lists-on-server-only]]
  - model: authentik_flows.flow
    id: flow
    identifiers: { slug: lists-flow }
    attrs: { name: Lists flow, title: Lists, designation: enrollment }
  - model: authentik_flows.flowstagebinding
    identifiers: { target: !KeyOf flow, stage: !KeyOf prompt-stage, order: 10 }
`;

test('reference picker edits prompt fields', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('import-input').setInputFiles({
    name: 'lists.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(PROMPTS),
  });
  await expect(app.flowTab('Lists flow')).toHaveAttribute('aria-selected', 'true');
  await app.node('lists-prompt').click();

  // Chips in the order authentik shows the fields: by each prompt's order.
  const chips = page.getByRole('list', { name: 'Fields: chosen' }).getByRole('listitem');
  await expect(chips).toHaveCount(3);
  await expect(chips.nth(0)).toContainText('lists-name');
  await expect(chips.nth(0)).toContainText('order 10');
  await expect(chips.nth(1)).toContainText('lists-email');
  // The prompt the project does not have stays, marked.
  await expect(chips.nth(2)).toContainText('lists-on-server-only');
  await expect(chips.nth(2)).toContainText('not found in the project');

  // Type to filter, Enter to add.
  const box = page.getByRole('combobox', { name: 'Fields' });
  await box.fill('pho');
  const matches = page.getByRole('listbox', { name: 'Fields: matches' });
  await expect(matches.getByRole('option')).toHaveCount(1);
  await expect(matches.getByRole('option', { name: /lists-phone/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await box.press('Enter');
  await expect(chips).toHaveCount(4);
  await expect(chips.nth(2)).toContainText('lists-phone');
  await expect(box).toHaveValue('');
  await expect(box).toBeFocused();

  // Chosen objects are not offered again.
  await box.fill('lists');
  await expect(matches.getByRole('option')).toHaveCount(0);
  await expect(matches).toContainText('No object matches');
  await box.press('Escape');
  await expect(matches).toHaveCount(0);
  // Escape in the open list closes it and keeps the node selected.
  await expect(chips).toHaveCount(4);
  await box.fill('');

  await page.getByRole('button', { name: 'Remove lists-email' }).click();
  await expect(chips).toHaveCount(3);
  await expect(chips.nth(0)).toContainText('lists-name');
  await expect(chips.nth(1)).toContainText('lists-phone');
  await expect(chips.nth(2)).toContainText('not found in the project');
  await app.saved();
  await app.screenshot('inspector-reference-picker');

  // Adding and removing were one undo step each.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(chips).toHaveCount(4);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(chips).toHaveCount(3);
  await expect(chips.nth(1)).toContainText('lists-email');
  await app.saved();
});

test('list editors edit backends and ASNs', async ({ app }) => {
  const { page } = app;
  await app.node('default-authentication-password').click();

  // Checkboxes in authentik's order of the choices.
  const backends = page.getByRole('group', { name: 'Backends', exact: true });
  const boxes = backends.getByRole('checkbox');
  await expect(boxes).toHaveCount(4);
  await expect(boxes.nth(0)).toHaveAccessibleName('authentik.core.auth.InbuiltBackend');
  await expect(boxes.nth(0)).toBeChecked();
  const ldap = backends.getByRole('checkbox', { name: 'authentik.sources.ldap.auth.LDAPBackend' });
  await expect(ldap).not.toBeChecked();
  await ldap.check();
  await expect(ldap).toBeChecked();
  await app.saved();

  // The list editor shows the stored order, the new backend last, and reorders it.
  await page.getByRole('button', { name: 'List', exact: true }).click();
  const rows = page.getByRole('list', { name: 'Backends' }).getByRole('combobox');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(2)).toHaveValue('authentik.sources.ldap.auth.LDAPBackend');
  await page.getByRole('button', { name: 'Move Backends item 3 up' }).click();
  await expect(rows.nth(1)).toHaveValue('authentik.sources.ldap.auth.LDAPBackend');
  await expect(rows.nth(2)).toHaveValue('authentik.core.auth.TokenBackend');
  await app.saved();

  // Back in the checkboxes, the stored order is named because it differs from the choices.
  await page.getByRole('button', { name: 'Checkboxes', exact: true }).click();
  await expect(page.getByText('Stored in this order')).toContainText(
    'authentik.core.auth.InbuiltBackend, authentik.sources.ldap.auth.LDAPBackend, authentik.core.auth.TokenBackend',
  );

  // A tag inside the list does not fit the list editors: JSON only.
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  const json = page.locator('textarea[id$="-backends"]');
  await json.fill('[{"$tag": "Env", "value": "STAGECRAFT_BACKEND"}]');
  await expect(page.getByText('This value does not fit the list editor')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Checkboxes', exact: true })).toHaveCount(0);
  await app.saved();

  // A GeoIP policy's ASNs: rows checked as you type.
  await page.locator('body').click({ position: { x: 5, y: 890 } });
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'GeoIP policy', exact: true }).click();
  await expect(app.node('geoip-policy')).toBeVisible();
  await page.getByRole('button', { name: '+ Add item' }).first().click();
  const asn = page.getByRole('textbox', { name: 'Asns item 1' });
  await expect(asn).toBeFocused();
  await asn.fill('AS13335');
  await expect(page.getByRole('alert').filter({ hasText: 'is not a number' })).toBeVisible();
  await asn.fill('13335');
  await expect(page.getByRole('alert').filter({ hasText: 'is not a number' })).toHaveCount(0);
  await app.saved();
  await page.getByRole('button', { name: 'JSON', exact: true }).first().click();
  await expect(page.locator('textarea[id$="-asns"]')).toHaveValue(/13335/);
  await app.screenshot('inspector-list-editor');
});
