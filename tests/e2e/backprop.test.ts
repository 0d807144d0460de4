/**
 * The backprop stepper in a real browser: stepping the logistic preset to the end by keyboard,
 * gradients against the table's finite differences, a malformed expression shown inline with a
 * caret and the old graph kept, a 60-node graph laid out without overlapping boxes, URL state, and
 * the static figure with JavaScript off.
 */
import { describe, expect, test } from 'vitest';
import { assertNoProblems, site, useBrowser } from './support/site.ts';
import { hydrated, openPage, readout } from './support/widget.ts';

const s = site();
const EMBED = `${s.url}embed/backprop/`;
const nogl = useBrowser('none');

const open = (url: string, opts: Parameters<typeof openPage>[2] = {}) => openPage(nogl(), url, opts);

describe('backprop stepper', () => {
  test('keyboard-only: from step 0 to the end of the logistic preset; the gradients equal the finite differences', async () => {
    const { context, page, errors } = await open(`${EMBED}?preset=logistic&step=0`);
    await hydrated(page);
    let r = await readout(page);
    expect(r.step).toBe(0);
    expect(r.steps).toBeGreaterThan(10);
    await page.locator('#embed [role="group"][aria-label="Backpropagation stepper"]').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await readout(page)).step).toBe(1);
    await expect.poll(() => page.locator('#embed .iw-summary').textContent()).toMatch(/Step 1 of \d+, forward/);
    for (let i = 1; i < r.steps; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await readout(page)).step).toBe(r.steps);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await readout(page)).step).toBe(r.steps - 1);
    await page.keyboard.press('End');
    r = await readout(page);
    expect(r.step).toBe(r.steps);
    for (const v of Object.keys(r.gradients)) expect(Math.abs(r.gradients[v] - r.finiteDifferences[v]) / Math.max(1, Math.abs(r.gradients[v]))).toBeLessThan(1e-6);
    // The table shows the same numbers.
    const rows = await page.locator('#embed .iw-grad-table tbody tr').count();
    expect(rows).toBe(Object.keys(r.gradients).length);
    expect(r.opsNaive).toBeGreaterThan(0);
    await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain('step=');
    assertNoProblems(errors.take(), 'backprop keyboard');
    await context.close();
  });

  test('a malformed expression is shown under the box with a caret at its position; the last graph stays', async () => {
    const { context, page, errors } = await open(`${EMBED}?preset=product`);
    await hydrated(page);
    const before = await page.locator('#embed .iw-dag-node').count();
    const box = page.locator('#embed-expr');
    await box.fill('x*(y+');
    await box.press('Enter');
    const err = page.locator('#embed .iw-expr-error');
    await expect.poll(() => err.textContent()).toMatch(/position 5/);
    const pre = (await err.locator('pre').textContent())!.split('\n');
    expect(pre[0]).toBe('x*(y+');
    expect(pre[1].indexOf('^')).toBe(5);
    expect(await page.locator('#embed .iw-dag-node').count()).toBe(before);
    expect((await readout(page)).expr).toBe('x*y');
    // A good expression replaces the graph and goes into the address.
    await box.fill('x*y + exp(x)');
    await box.press('Enter');
    await expect.poll(async () => (await readout(page)).expr).toBe('x*y + exp(x)');
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('expr=');
    assertNoProblems(errors.take(), 'backprop parse error');
    await context.close();
  });

  test('URL state round trip; a bad expr in the URL is a notice, never a blank widget', async () => {
    const q = new URLSearchParams({ expr: 'tanh(a*b) - a', vars: 'a=0.5,b=-1.5', step: '4' });
    const { context, page, errors } = await open(`${EMBED}?${q}`);
    await hydrated(page);
    const r = await readout(page);
    expect(r).toMatchObject({ expr: 'tanh(a*b) - a', vars: { a: 0.5, b: -1.5 }, step: 4 });
    // ∂/∂a (tanh(ab) − a) = b·sech²(ab) − 1.
    await page.keyboard.press('End');
    await page.locator('#embed button', { hasText: 'End' }).click();
    const g = (await readout(page)).gradients;
    expect(g.a).toBeCloseTo(-1.5 / Math.cosh(-0.75) ** 2 - 1, 10);
    await context.close();
    const bad = await open(`${EMBED}?expr=${encodeURIComponent('x*(')}&vars=x%3D2`);
    await hydrated(bad.page);
    await expect.poll(() => bad.page.locator('#embed .iw-notices').textContent()).toMatch(/not a valid expression/);
    expect(await bad.page.locator('#embed .iw-dag-node').count()).toBeGreaterThan(3);
    assertNoProblems([...errors.take(), ...bad.errors.take()], 'backprop URL');
    await bad.context.close();
  });

  test('a 60-node expression lays out with no two node boxes overlapping (measured in the page)', async () => {
    const terms = Array.from({ length: 10 }, (_, i) => `sigmoid(a${i}*x + b${i})`).join(' + ');
    const { context, page, errors } = await open(`${EMBED}?${new URLSearchParams({ expr: `0.5*(${terms} - y)^2` })}`);
    await hydrated(page);
    const r = await readout(page);
    expect(r.nodes).toBeGreaterThanOrEqual(60);
    const boxes = await page.locator('#embed .iw-dag-node rect').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((b) => ({ x: b.x, y: b.y, w: b.width, h: b.height })));
    expect(boxes.length).toBe(r.nodes);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
        expect(overlap, `boxes ${i} and ${j}`).toBe(false);
      }
    assertNoProblems(errors.take(), '60-node graph');
    await context.close();
  });

  test('with JavaScript off: the laid-out graph with final values and gradients, and the table', async () => {
    const { context, page } = await open(EMBED, { javaScriptEnabled: false });
    expect(await page.locator('#embed .iw-dag-node').count()).toBeGreaterThan(10);
    expect(await page.locator('#embed .iw-dag-node', { hasText: '∂' }).count()).toBeGreaterThan(10);
    expect(await page.locator('#embed .iw-grad-table tbody tr').count()).toBe(6);
    expect(await page.locator('#embed .iw-summary').textContent()).toMatch(/Done: ∂f\/∂w1 =/);
    await context.close();
  });
});
