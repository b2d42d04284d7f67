/** Serve mode refuses everything without its token. */
import { request as httpRequest } from 'node:http';
import { expect, test } from './fixtures/serve';

function upgrade(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('upgrade', () => resolve(101));
    req.on('error', reject);
    req.end();
  });
}

test('without the token: 401 for pages, assets, API and WebSocket; with it the app connects', async ({ page, served, request }) => {
  for (const path of ['/', '/index.html', '/assets/', '/ws']) {
    const res = await request.get(`${served.origin}${path}`);
    expect(res.status(), path).toBe(401);
  }
  expect((await request.get(`${served.origin}/?token=wrong`)).status()).toBe(401);
  expect(await upgrade(`${served.origin}/ws`)).toBe(401);
  expect(await upgrade(`${served.origin}/ws?token=nope`)).toBe(401);

  const ok = await request.get(served.url);
  expect(ok.status()).toBe(200);
  expect(ok.headers()['content-security-policy']).toContain("default-src 'none'");
  await page.goto(served.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'open');
});
